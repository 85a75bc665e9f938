/**
 * The weekly Changing of the Guard over the seeded database's busy week (about 100,000 events:
 * audit events, SLA clocks, guard entries, known-issue changes) with 1M tickets behind it: the
 * real `weeklyDigest` (gather + build) as the job runs it on the Monday after, then rendering it
 * (the Reply, Slack Block Kit, plain text). Baseline: raw prepared SQL that reads each of the
 * week's events once (counts by kind), in the same run, for the ratio.
 */
import pino from 'pino';
import { SettableClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createDeskops } from '../src/main.js';
import { weeklyDigest } from '../src/app/digest.js';
import { withTeamZone } from '../src/app/calendar.js';
import { addCalendarDays, startOfDay } from '../src/domain/guard-week.js';
import { digestReply } from '../src/views/digest.js';
import { renderText } from '../src/views/render-text.js';
import { renderBlocks } from '../src/adapters/slack/render.js';
import { percentile } from './loadgen.js';
import { SEED_ZONE, type SeedInfo } from './seed.js';

export interface DigestFigures {
  week: string;
  events: Record<string, number>;
  /** Median of `runs` runs after a first (cold) one. */
  gatherMs: number;
  firstGatherMs: number;
  renderMs: number;
  /** The same week's events read once by raw SQL (counts by kind). */
  rawMs: number;
  /** Two of the digest's own queries, timed raw: they read every ticket, not the week's. */
  openedByTierMs: number;
  topTagsMs: number;
  sections: number;
  runs: number;
}

function timed<T>(work: () => T): [T, number] {
  const started = performance.now();
  const result = work();
  return [result, performance.now() - started];
}

export function benchDigest(dbPath: string, seed: SeedInfo, runs = 3): DigestFigures {
  const week = seed.busyWeek;
  const from = startOfDay(week, SEED_ZONE).getTime();
  const to = startOfDay(addCalendarDays(week, 7), SEED_ZONE).getTime();
  // The job's moment: Monday 10:00 after the week.
  const now = new Date(to + 10 * 3_600_000);
  const desk = createDeskops(loadConfig({ DESKOPS_DB: dbPath, DESKOPS_TIMEZONE: SEED_ZONE }), { clock: new SettableClock(undefined, now), logger: pino({ level: 'silent' }) });
  try {
    const ctx = withTeamZone({ ...desk.app, logger: pino({ level: 'silent' }) });
    const [, firstGatherMs] = timed(() => weeklyDigest(ctx, week, now));
    const gathers: number[] = [];
    const renders: number[] = [];
    let sections = 0;
    for (let i = 0; i < runs; i++) {
      const [digest, gatherMs] = timed(() => weeklyDigest(ctx, week, now));
      const [, renderMs] = timed(() => {
        const reply = digestReply(digest, 'channel');
        renderBlocks(reply);
        return renderText(reply);
      });
      sections = digest.sections.length;
      gathers.push(gatherMs);
      renders.push(renderMs);
    }
    const { sqlite } = desk.app.store;
    const raw = [
      sqlite.prepare('SELECT entity, action, count(*) AS n FROM audit_events WHERE at >= ? AND at < ? GROUP BY entity, action'),
      sqlite.prepare('SELECT tier, band, count(*) AS n FROM sla_clocks WHERE entered_at >= ? AND entered_at < ? GROUP BY tier, band'),
      sqlite.prepare('SELECT kind, count(*) AS n FROM guard_entries WHERE week_start = ? AND created_at >= ? AND created_at < ? GROUP BY kind'),
    ];
    const rawTimes: number[] = [];
    for (let i = 0; i < runs; i++) rawTimes.push(timed(() => raw.forEach((statement, n) => (n === 2 ? statement.all(week, from, to) : statement.all(from, to))))[1]);
    const openedByTier = sqlite.prepare('SELECT tier, count(*) FROM tickets WHERE created_at >= ? AND created_at < ? GROUP BY tier');
    const topTags = sqlite.prepare(
      `SELECT tags.id, count(*) AS n FROM ticket_tags JOIN tags ON tags.id = ticket_tags.tag_id JOIN tickets ON tickets.id = ticket_tags.ticket_id
       WHERE tickets.created_at >= ? AND tickets.created_at < ? AND tags.family <> 'known' GROUP BY tags.id ORDER BY n DESC LIMIT 5`,
    );
    return {
      week,
      events: seed.busyWeekEvents,
      gatherMs: percentile(gathers, 0.5),
      firstGatherMs,
      renderMs: percentile(renders, 0.5),
      rawMs: percentile(rawTimes, 0.5),
      openedByTierMs: timed(() => openedByTier.all(from, to))[1],
      topTagsMs: timed(() => topTags.all(from, to))[1],
      sections,
      runs,
    };
  } finally {
    desk.close();
  }
}
