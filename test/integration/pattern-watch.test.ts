/**
 * The pattern watch on a real store: three new tickets in 24 hours with one area and type and no
 * known issue get one known-issue suggestion in triage; a known issue reaching six linked tickets
 * gets one status-page suggestion. Its "already suggested" lookup uses the outbox's key index
 * (a LIKE would scan every row ever queued: seconds on a big store, every 15 minutes).
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { keyStartsWith } from '../../src/store/sqlite/outbox.js';
import type { JobContext } from '../../src/jobs/job.js';
import { runPatternWatch } from '../../src/jobs/pattern-watch.js';
import { outbox } from '../../src/store/schema.js';
import { insertRows, selectFields, selectRows } from '../doubles/db.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';
import type { Reply } from '../../src/views/reply.js';

const opened: TestDesk[] = [];
afterEach(() => opened.splice(0).forEach((d) => d.dispose()));

function desk(): TestDesk {
  const d = createTestDesk();
  opened.push(d);
  return d;
}
const jobs = (d: TestDesk): JobContext => ({ ...d.app, logger: pino({ level: 'silent' }) });
const keysLike = (d: TestDesk, prefix: string) =>
  selectFields(d.app.store, outbox, { key: outbox.dedupeKey })
    .map((r) => r.key)
    .filter((k) => k.startsWith(prefix));

function authBug(d: TestDesk, title: string): void {
  const reply = d.say(`/ticket new "${title}" area:Authentication type:Bug`);
  expect(reply).not.toContain('✗');
}

describe('pattern watch', () => {
  it('suggests a known issue once for three tickets in a day sharing area and type', () => {
    const d = desk();
    authBug(d, 'SSO loop on login');
    authBug(d, 'Login redirects forever');
    expect(runPatternWatch(jobs(d), d.clock.now())).toMatchObject({ queued: 0 });
    authBug(d, 'Cannot sign in with Okta');
    expect(runPatternWatch(jobs(d), d.clock.now())).toMatchObject({ queued: 1 });
    const [key] = keysLike(d, 'pattern:');
    expect(key).toMatch(/^pattern:authentication:bug:1$/);
    // The button is a template: only a person can name the problem ("KI-1: Authentication bug:" otherwise).
    const suggestion = selectRows(d.app.store, outbox).find((row) => row.dedupeKey === key)!.payload as Reply;
    expect(suggestion.buttons).toEqual([{ label: 'Create known issue', command: '/known-issue new', needs: '<title>' }]);
    expect(suggestion.text).toContain('/known-issue link <n> 1 2 3');
    // A fourth one in the same day, and later runs: the cluster was already suggested.
    authBug(d, 'Login broken after update');
    d.clock.set(new Date(d.clock.now().getTime() + 15 * 60_000));
    expect(runPatternWatch(jobs(d), d.clock.now())).toMatchObject({ queued: 0 });
    expect(keysLike(d, 'pattern:')).toHaveLength(1);
  });

  it('suggests the status page once when a known issue reaches six linked tickets', () => {
    const d = desk();
    expect(d.say('/known-issue new Authentication bug: SSO loop')).not.toContain('✗');
    for (let n = 1; n <= 6; n++) {
      d.run(`/ticket new "Report ${n}"`);
      d.run(`/known-issue link 1 ${n}`);
    }
    runPatternWatch(jobs(d), d.clock.now());
    runPatternWatch(jobs(d), d.clock.now());
    expect(keysLike(d, 'ki-status-page:')).toEqual(['ki-status-page:1']);
  });

  it('looks keys up by prefix through the unique index, without matching neighbours', () => {
    const d = desk();
    const keys = ['pattern:a:b:1', 'pattern:a:b:9', 'pattern:a:bc:1', 'pattern:a:b;x', 'pattern:a:a:1'];
    insertRows(d.app.store, outbox, keys.map((dedupeKey) => ({ dedupeKey, channel: 'tier:triage', payload: {}, state: 'sent' as const, attempts: 1, nextAttemptAt: new Date(0), createdAt: new Date(0) })));
    const found = selectFields(d.app.store, outbox, { key: outbox.dedupeKey }, keyStartsWith('pattern:a:b:'));
    expect(found.map((r) => r.key).sort()).toEqual(['pattern:a:b:1', 'pattern:a:b:9']);
  });
});

describe('the active-tickets list', () => {
  it('lists the active tickets, newest first (its index: test/integration/sqlite-query-plans.test.ts)', () => {
    const d = desk();
    for (let n = 1; n <= 12; n++) d.run(`/ticket new "Ticket ${n}"`);
    d.run('/ticket status 12 resolved');
    d.run('/ticket status 11 pending');
    const page = d.say('/ticket list');
    expect(page).toContain('#11');
    expect(page).not.toContain('#12 ');
  });
});
