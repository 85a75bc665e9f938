/** The on-call / T4 running log ("Changing of the Guard"): log entries, show a week, close open loops. */
import { guardWeekStart, parseTypedDate, previousWeek, weekContaining, weekEnd } from '../domain/guard-week.js';
import { GUARD_KINDS, type GuardKind } from '../domain/vocabulary.js';
import type { GuardEntryRow } from '../store/repositories/oncall.js';
import { recordAudit } from './audit.js';
import { actorPersonId, type AppContext, type RequestContext } from './context.js';
import { conflict, invalid, notFound } from './errors.js';
import { handleOf } from './people.js';

export type { GuardEntryRow } from '../store/repositories/oncall.js';

/** An entry as views show it: who wrote it, by handle. */
export interface GuardEntry extends GuardEntryRow {
  author: string | null;
}

const BODY_MAX = 2000;

function withAuthor(ctx: AppContext, row: GuardEntryRow): GuardEntry {
  return { ...row, author: handleOf(ctx, row.authorId) };
}

/** The guard week holding "now" in the team's time zone ('YYYY-MM-DD' of its Monday). */
export function currentGuardWeek(ctx: AppContext): string {
  return guardWeekStart(ctx.clock.now(), ctx.settings.timeZone);
}

/** Adds an entry to this week's log (audited as 'guard.logged'). */
export function logGuardEntry(ctx: RequestContext, input: { kind: GuardKind; text: string }): GuardEntry {
  return ctx.store.transaction(() => {
    const body = input.text.trim();
    if (!body) throw invalid('A guard log entry needs some text.', `Type /guard log ${input.kind} <what happened>.`);
    if (body.length > BODY_MAX) {
      throw invalid(`Guard log entries are at most ${BODY_MAX} characters (this one has ${body.length}).`, 'Summarise, and link to the details.');
    }
    const row = ctx.store.oncall.insertGuardEntry({ weekStart: currentGuardWeek(ctx), kind: input.kind, body, authorId: actorPersonId(ctx.actor), createdAt: ctx.clock.now() });
    recordAudit(ctx, { entity: 'guard', entityId: row.id, action: 'guard.logged', after: { weekStart: row.weekStart, kind: row.kind, body } });
    return withAuthor(ctx, row);
  });
}

/** Which week to show: this one, last one, or the one holding a typed date. */
export type GuardWeekChoice = { week: 'current' } | { week: 'last' } | { date: string };

/** One week of the log, grouped by kind, plus loops still open from earlier weeks. */
export interface GuardWeek {
  weekStart: string;
  weekEnd: string;
  isCurrent: boolean;
  byKind: Record<GuardKind, GuardEntry[]>;
  /** For the current week: loops from earlier weeks not closed yet (they carry over until closed). */
  carriedOver: GuardEntry[];
}

/** The week `choice` names, 'YYYY-MM-DD' of its Monday; a bad typed date is INVALID. */
export function resolveGuardWeek(ctx: AppContext, choice: GuardWeekChoice): string {
  const current = currentGuardWeek(ctx);
  if ('date' in choice) {
    const parsed = parseTypedDate(choice.date);
    if (!parsed.ok) throw invalid(parsed.reason, 'Show a week with /guard show, /guard show last or /guard show 2026-03-02.');
    return weekContaining(parsed.day);
  }
  return choice.week === 'last' ? previousWeek(current) : current;
}

/** The log of one week, entries oldest first within each kind. */
export function showGuardWeek(ctx: AppContext, choice: GuardWeekChoice = { week: 'current' }): GuardWeek {
  const weekStart = resolveGuardWeek(ctx, choice);
  const rows = ctx.store.oncall.guardEntriesOfWeek(weekStart);
  const byKind = Object.fromEntries(GUARD_KINDS.map((kind) => [kind, [] as GuardEntry[]])) as Record<GuardKind, GuardEntry[]>;
  for (const row of rows) byKind[row.kind].push(withAuthor(ctx, row));
  const isCurrent = weekStart === currentGuardWeek(ctx);
  const carriedOver = !isCurrent ? [] : ctx.store.oncall.openLoopsBefore(weekStart).map((row) => withAuthor(ctx, row));
  return { weekStart, weekEnd: weekEnd(weekStart), isCurrent, byKind, carriedOver };
}

/** Closes an open loop (audited as 'guard.closed'); other kinds of entry cannot be closed. */
export function closeGuardLoop(ctx: RequestContext, entryId: number): GuardEntry {
  return ctx.store.transaction(() => {
    const entry = ctx.store.oncall.guardEntryById(entryId);
    if (!entry) throw notFound(`There is no guard log entry ${entryId}.`, '/guard show lists this week\'s entries with their numbers.');
    if (entry.kind !== 'loop') {
      throw invalid(`Entry ${entryId} is a ${entry.kind} entry; only open loops can be closed.`, '/guard show lists the open loops.');
    }
    if (entry.closedAt) throw conflict(`Loop ${entryId} is closed already.`, '/guard show lists the loops still open.');
    const now = ctx.clock.now();
    const closed = ctx.store.oncall.closeGuardEntry(entryId, now);
    recordAudit(ctx, { entity: 'guard', entityId: entryId, action: 'guard.closed', before: { closedAt: null }, after: { closedAt: now.toISOString() } });
    return withAuthor(ctx, closed);
  });
}
