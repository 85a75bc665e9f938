/**
 * /settings: the workflow settings that had no command (status-timer days, the digest's day and
 * hour, the known-issue thresholds, the reaction map), shown to anyone, changed by leads, audited,
 * and followed by the jobs and commands that use them.
 */
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reactionAction } from '../../src/app/intake.js';
import type { JobContext } from '../../src/jobs/job.js';
import { runPatternWatch } from '../../src/jobs/pattern-watch.js';
import { runStatusTimers } from '../../src/jobs/status-timers.js';
import { runWeeklyDigest } from '../../src/jobs/weekly-digest.js';
import { auditEvents, comments, outbox, tickets } from '../../src/store/schema.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { selectRow, selectRows } from '../doubles/db.js';

let desk: TestDesk;
beforeEach(() => {
  // Monday 23 Nov 2026 10:00 UTC.
  desk = createTestDesk();
  desk.run('/whoami', 'alice');
});
afterEach(() => desk.dispose());

const say = (line: string, user?: string) => replyText(desk.run(line, user));
const jobs = (): JobContext => ({ ...desk.app, logger: pino({ level: 'silent' }) });
const settingEvents = () => selectRows(desk.app.store, auditEvents, eq(auditEvents.action, 'setting.changed'));

describe('/settings', () => {
  it('shows every setting with its command, to anyone', () => {
    const shown = say('/settings', 'alice');
    expect(shown).toContain('Pending: a reminder to the requester after 3 days, Resolved 3 days after it');
    expect(shown).toContain('Resolved: Closed after 4 days');
    expect(shown).toContain('Waiting on Customer: back to Open after 10 days');
    expect(shown).toContain("Mondays from 10:00 (UTC), to the leads' channel");
    expect(shown).toContain('Tracked at 3 linked tickets; a status-page post suggested at 6');
    expect(shown).toContain(':eyes: assigns the ticket to whoever reacted');
  });

  it('lets only leads change them, audited', () => {
    expect(desk.run('/settings timers resolved-close:7', 'alice').title).toMatch(/^Only leads and admins can change the status timers/);
    expect(say('/settings timers resolved-close:7')).toContain('Resolved: Closed after 7 days');
    expect(settingEvents().at(-1)).toMatchObject({ entityId: 'status-timers', actorLabel: '@lead', after: { resolvedCloseDays: 7 } });
    expect(say('/settings timers resolved-close:7')).toContain('nothing changed');
    expect(desk.run('/settings timers').title).toMatch(/Give at least one of/);
  });

  it('moves the timer of tickets already waiting', () => {
    desk.run('/ticket new "Printer on fire"');
    desk.run('/ticket status 1 pending');
    desk.run('/settings timers pending-reminder:1');
    const due = selectRow(desk.app.store, tickets, eq(tickets.id, 1))!.statusTimerAt;
    expect(due?.toISOString()).toBe('2026-11-24T10:00:00.000Z');
    desk.clock.set(new Date('2026-11-24T10:00:00Z'));
    runStatusTimers(jobs(), new Date('2026-11-24T10:00:00Z'));
    expect(selectRows(desk.app.store, comments, eq(comments.ticketId, 1)).at(-1)!.body).toMatch(/^Just checking in/);
  });

  it('moves the weekly digest to another day and hour', () => {
    desk.run('/ticket new "Something to report"');
    desk.clock.set(new Date('2026-11-30T10:05:00Z'));
    expect(say('/settings digest day:tue hour:9')).toContain("Tuesdays from 09:00 (UTC), to the leads' channel");
    expect(runWeeklyDigest(jobs(), new Date('2026-11-30T10:05:00Z')).queued).toBe(0);
    expect(runWeeklyDigest(jobs(), new Date('2026-12-01T09:05:00Z')).queued).toBe(1);
    expect(desk.run('/settings digest day:funday').title).toMatch(/not a weekday/);
  });

  it('moves the known-issue thresholds the link replies and the pattern watch follow', () => {
    expect(desk.run('/settings known-issues tracked:6 status-page:6').title).toMatch(/status-page threshold must be above the tracked one/);
    desk.run('/settings known-issues tracked:2 status-page:4');
    desk.run('/known-issue new "Login loop"');
    desk.run('/ticket new "One" area:Authentication type:Bug');
    desk.run('/ticket new "Two" area:Authentication type:Bug');
    expect(runPatternWatch(jobs(), desk.clock.now()).queued).toBe(1); // two make a cluster now
    expect(say('/known-issue link 1 1 2')).toContain('Now 2 linked: that makes it a tracked known issue (2+ tickets).');
  });

  it('changes what a reaction does, and resets the map', () => {
    desk.run('/settings reaction raised_hands assign');
    desk.run('/settings reaction :eyes: none');
    expect(reactionAction(desk.app, 'raised_hands')).toBe('assign');
    expect(reactionAction(desk.app, 'eyes')).toBeUndefined();
    expect(desk.run('/settings reaction "not an emoji" assign').tone).toBe('error');
    expect(say('/settings reset reactions')).toContain(':eyes: assigns the ticket');
    expect(reactionAction(desk.app, 'raised_hands')).toBeUndefined();
    expect(settingEvents().filter((e) => e.entityId === 'slack-reactions')).toHaveLength(3);
    expect(selectRows(desk.app.store, outbox).filter((r) => r.dedupeKey.startsWith('setting'))).toEqual([]);
  });
});
