/**
 * The same deskops on SQLite and on PostgreSQL: every example of the README's command reference,
 * typed in turn by an admin into the real router over each engine's store, after the same people
 * and tickets, at the same pinned instant. Each reply must read the same on both engines, so a
 * use case cannot tell which engine it runs on. Where PostgreSQL cannot answer word for word
 * (full-text ranking and stemming), the difference is named below, not hidden.
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { SettableClock } from '../../src/clock.js';
import { buildRegistry } from '../../src/commands/index.js';
import { createRouter, type Router } from '../../src/commands/router.js';
import { loadConfig } from '../../src/config.js';
import type { Storage } from '../../src/store/storage.js';
import { replyText } from '../doubles/deskops.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const reference = README.slice(README.indexOf('<!-- commands:start'), README.indexOf('<!-- commands:end'));
const examples = [...reference.matchAll(/^ {2}- e\.g\. `(.+)`$/gm)].map((m) => m[1]!);

const engines = useStorageEngines();

/** A router over `store`, as createDeskops builds one, at the pinned instant. */
function routerOn(store: Storage): Router {
  const config = loadConfig({ DESKOPS_DB: ':memory:', DESKOPS_ADMINS: 'shell:lead', DESKOPS_STAFF: 'slack:team:T1' });
  const app: AppContext = { clock: new SettableClock(undefined, new Date('2026-03-02T09:00:00Z')), store, settings: config.settings };
  return createRouter({ registry: buildRegistry(), app, logger: pino({ level: 'silent' }) });
}

/** Types every line as `lead` (an admin) after the same people and tickets; the replies as text. */
function transcript(router: Router, lines: readonly string[]): string[] {
  const say = (text: string, user = 'lead') => replyText(router.handle({ platform: 'shell', user: { externalId: user, handle: user }, channel: '#helpdesk', thread: null, text }));
  for (const user of ['alice', 'bob', 'carol']) say('/whoami', user);
  for (let n = 1; n <= 44; n++) say(`/ticket new "Ticket ${n}"`);
  return lines.map((line) => say(line));
}

/** A member of the workspace T1: staff under the rules routerOn sets. */
const STAFF_FACTS = { platform: 'slack', teamId: 'T1', enterpriseId: null, teams: [], guest: false, deleted: false, bot: false } as const;

/** Commands whose answers rank full-text matches: bm25 (FTS5) and ts_rank may order close matches differently. */
const RANKED = /^\/(?:ticket|t|tickets) search\b/;

describe('the same commands on SQLite and PostgreSQL', () => {
  it('answer every example of the command reference alike', async () => {
    expect(examples.length).toBeGreaterThan(100);
    const { sqliteStore, pgStore } = await engines.open();
    const onSqlite = transcript(routerOn(sqliteStore), examples);
    const onPg = transcript(routerOn(pgStore), examples);
    const differing = examples.flatMap((example, i) => (onSqlite[i] === onPg[i] ? [] : [{ example, sqlite: onSqlite[i], pg: onPg[i] }]));
    expect(onSqlite.filter((text) => /something went wrong/.test(text))).toEqual([]);
    expect(differing.filter(({ example }) => !RANKED.test(example))).toEqual([]);
    // The searches still find the same tickets, whatever their order.
    for (const { sqlite, pg } of differing) expect(new Set(pg!.match(/#\d+/g) ?? [])).toEqual(new Set(sqlite!.match(/#\d+/g) ?? []));
  }, 120_000);

  it('answer text with a NUL character alike: it is stored as U+FFFD on both, never an apology', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    const lines = ['/ticket new "Printer\u0000 on fire"', '/ticket show 45', '/ticket comment 45 "half\u0000 a note"', '/ticket note 45 nul\u0000'];
    const onSqlite = transcript(routerOn(sqliteStore), lines);
    const onPg = transcript(routerOn(pgStore), lines);
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite.join('\n')).not.toMatch(/something went wrong/);
    expect(onSqlite[1]).toContain('Printer\uFFFD on fire');
    expect(sqliteStore.tickets.byId(45)?.title).toBe('Printer\uFFFD on fire');
    expect(pgStore.tickets.byId(45)?.title).toBe('Printer\uFFFD on fire');
  }, 120_000);

  it('answer text with a lone surrogate alike: it is stored as U+FFFD on both (PostgreSQL\'s jsonb refuses its escape), never an apology', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    const lines = ['/known-issue new "Scanner\udfff jam"', '/ticket new "Half\ud83c a ticket"', '/ticket show 45', '/known-issue list'];
    const onSqlite = transcript(routerOn(sqliteStore), lines);
    const onPg = transcript(routerOn(pgStore), lines);
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite.join('\n')).not.toMatch(/something went wrong/);
    expect(onSqlite[3]).toContain('Scanner\uFFFD jam');
    expect([sqliteStore, pgStore].map((store) => store.tickets.byId(45)?.title)).toEqual(['Half\uFFFD a ticket', 'Half\uFFFD a ticket']);
  }, 120_000);

  it('answer a NUL character anywhere in the invocation alike: the person as the platform names them, the retry key', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    const replies = [sqliteStore, pgStore].map((store) => {
      const router = routerOn(store);
      const run = () =>
        router.handle({ platform: 'slack', user: { externalId: 'U0NUL', handle: 'nul\u0000user', displayName: 'Nul\u0000 Name', facts: STAFF_FACTS }, channel: 'C0HELP', thread: null, text: '/ticket new "Fax\u0000 down"', idempotencyKey: 'slack:trigger\u00001' });
      // Slack retrying the same trigger: the reply kept for the retry key, no second ticket.
      return [replyText(run()), replyText(run()), store.people.handleOf('slack', 'U0NUL')];
    });
    expect(replies[0]![0]).toContain('Fax\uFFFD down');
    expect(replies[0]![1]).toBe(replies[0]![0]);
    expect(replies[0]![2]).toBe('nul\uFFFDuser');
    expect(replies[1]).toEqual(replies[0]);
    expect([sqliteStore, pgStore].map((store) => [store.tickets.byId(1)?.title, store.tickets.byId(2)])).toEqual([
      ['Fax\uFFFD down', undefined],
      ['Fax\uFFFD down', undefined],
    ]);
  }, 120_000);
});
