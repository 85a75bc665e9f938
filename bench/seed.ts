/**
 * A realistic big deskops database for the benchmarks: N tickets (1,000,000 by default) over
 * three years of history, most of them closed, with what the use cases write beside each one
 * (creation and status audit events, an SLA clock, the triage outbox row, tags, some comments,
 * the odd on-call escalation), plus agents with Slack identities, known issues and guard log
 * entries; and one busy week (the guard week before the seed's week) with about 100,000 events:
 * tickets opened, assigned, escalated and resolved, SLA clocks, guard entries, known-issue changes.
 *
 * The schema comes from the real migrations (openStore); the rows are raw prepared inserts in one
 * transaction, with the secondary indexes dropped during the load and rebuilt from their own SQL,
 * so the file ends with exactly the schema the migrations made. The file is cached under
 * $BENCH_CACHE_DIR (default <tmpdir>/deskops-bench), keyed by the migrations' hash, this seeder's
 * version, N and the UTC day (the history ends at seed time: jobs that look at the last 24 hours
 * must see a live team, not a stale file), so repeated runs that day reuse it; benchmarks work on
 * a copy (`workingCopy`).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { addCalendarDays, guardWeekStart, previousWeek, startOfDay } from '../src/domain/guard-week.js';
import { LOGICAL_CHANNELS } from '../src/app/channels.js';
import { ACTIVE_STATUSES } from '../src/domain/lifecycle.js';
import { MIGRATIONS_FOLDER, openStore } from '../src/store/database.js';
import { seededRandom } from '../test/doubles/random.js';

/** Bump when the generated data changes, so cached files are rebuilt. */
const SEED_VERSION = 6;
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** The team zone the seeded weeks are cut in (the default DESKOPS_TIMEZONE). */
export const SEED_ZONE = 'UTC';
/** Agents with a Slack identity, U0AGENT000 … */
export const SEED_AGENTS = 150;

export interface SeedInfo {
  path: string;
  tickets: number;
  /** The instant the history ends at (ms): tickets were created before it. */
  anchor: number;
  /** The busy guard week ('YYYY-MM-DD', its Monday) and the events written in it, by kind. */
  busyWeek: string;
  busyWeekEvents: Record<string, number>;
  /** Rows per table. */
  rows: Record<string, number>;
  bytes: number;
  seedSeconds: number;
  /** True when this run reused a cached file. */
  cached: boolean;
}


/** The cache key: the SQLite migrations (not PostgreSQL's, in pg/), this seeder's version and the day (the history ends today, so time-window jobs see a live team). */
function schemaHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, name.name);
      if (name.isDirectory()) {
        if (path !== join(MIGRATIONS_FOLDER, 'pg')) walk(path);
      }
      else hash.update(name.name).update(readFileSync(path));
    }
  };
  walk(MIGRATIONS_FOLDER);
  return hash.update(`seed-v${SEED_VERSION}:${new Date().toISOString().slice(0, 10)}`).digest('hex').slice(0, 12);
}

export function benchCacheDir(): string {
  const dir = process.env.BENCH_CACHE_DIR ?? join(tmpdir(), 'deskops-bench');
  mkdirSync(dir, { recursive: true });
  return dir;
}

const TITLES = [
  'Login fails after SSO change',
  'Push notifications stop on Android',
  'Invoice shows the wrong VAT',
  'Import from CSV drops the last column',
  'Video call freezes after ten minutes',
  'Cannot reset password from the mobile app',
  'Webhook retries flood our endpoint',
  'Search does not find archived rooms',
  'License count wrong after renewal',
  'Slow start-up on a large workspace',
  'Export of audit log times out',
  'Desktop app crashes on wake from sleep',
];
/** Customer organisations named in descriptions (searchable, like real ones). */
export const ORGS = Array.from({ length: 2_000 }, (_, i) => `${['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent'][i % 10]}${Math.floor(i / 10)}`);

const WORDS = ['since', 'yesterday', 'for some users', 'on 6.5', 'after upgrade', 'in the EU region', 'with LDAP', 'behind a proxy', 'intermittently', 'on Safari'];

/**
 * Returns the cached big database for `tickets` tickets, seeding it first when there is none.
 * `log` hears progress (seeding 1M takes a while on a busy machine).
 */
export function seedBigDatabase(tickets: number, log: (line: string) => void = () => {}): SeedInfo {
  const dir = benchCacheDir();
  const base = join(dir, `deskops-${tickets}-${schemaHash()}`);
  const path = `${base}.db`;
  const metaPath = `${base}.json`;
  if (existsSync(path) && existsSync(metaPath)) {
    return { ...(JSON.parse(readFileSync(metaPath, 'utf8')) as SeedInfo), path, cached: true };
  }
  // Files of an older schema or seeder for this size only take room: remove them.
  for (const name of readdirSync(dir)) if (name.startsWith(`deskops-${tickets}-`) && !name.startsWith(`deskops-${tickets}-${schemaHash()}`)) rmSync(join(dir, name), { force: true });
  const started = performance.now();
  const partial = `${base}.partial.db`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(partial + suffix, { force: true });
  // The real opener: pragmas and every migration, exactly as deskops would create the file.
  openStore(partial).close();
  const sqlite = new Database(partial);
  sqlite.pragma('journal_mode = DELETE');
  sqlite.pragma('journal_mode = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144');
  sqlite.pragma('temp_store = MEMORY');
  sqlite.pragma('foreign_keys = OFF');

  const anchor = Math.floor(Date.now() / HOUR) * HOUR;
  const busyWeek = previousWeek(guardWeekStart(new Date(anchor), SEED_ZONE));
  const busyFrom = startOfDay(busyWeek, SEED_ZONE).getTime();
  const busyTo = startOfDay(addCalendarDays(busyWeek, 7), SEED_ZONE).getTime();
  const events: Record<string, number> = { 'audit events': 0, 'SLA clocks': 0, 'guard entries': 0, 'known-issue changes': 0 };
  const inBusyWeek = (at: number) => at >= busyFrom && at < busyTo;
  const random = seededRandom(tickets); // the same size always seeds the same data
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

  // Secondary indexes of the tables we fill: dropped for the load, rebuilt from their SQL after.
  const filled = ['tickets', 'ticket_tags', 'audit_events', 'sla_clocks', 'outbox', 'comments', 'oncall_escalations', 'guard_entries', 'known_issues'];
  const indexes = sqlite
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${filled.map(() => '?').join(',')})`)
    .all(...filled) as { name: string; sql: string }[];
  const uniqueIndexes = indexes.filter((i) => /^CREATE UNIQUE/i.test(i.sql));
  for (const index of indexes) if (!uniqueIndexes.includes(index)) sqlite.exec(`DROP INDEX "${index.name}"`);
  // The search index's triggers are dropped for the load too; the index is filled in bulk after it.
  const searchTriggers = sqlite.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search\\_%' ESCAPE '\\'`).all() as { name: string; sql: string }[];
  for (const trigger of searchTriggers) sqlite.exec(`DROP TRIGGER "${trigger.name}"`);

  const tagRows = sqlite.prepare(`SELECT id, family FROM tags WHERE family IN ('area', 'type')`).all() as { id: number; family: string }[];
  const areaTags = tagRows.filter((t) => t.family === 'area').map((t) => t.id);
  const typeTags = tagRows.filter((t) => t.family === 'type').map((t) => t.id);

  const insert = {
    // Staff by hand (/people add), as a team sets itself up: nobody is staff by assumption, and the
    // commands the benchmarks send must run as an agent's, not be refused as a requester's.
    person: sqlite.prepare(`INSERT INTO people (display_name, role, tier, created_at, is_staff, staff_grant) VALUES (?, ?, ?, ?, 1, 'added')`),
    identity: sqlite.prepare(`INSERT INTO identities (platform, external_id, handle, person_id) VALUES ('slack', ?, ?, ?)`),
    knownIssue: sqlite.prepare(`INSERT INTO known_issues (title, slug, status, bug_url, created_by, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, ?, ?)`),
    ticket: sqlite.prepare(
      `INSERT INTO tickets (id, title, description, requester, origin, department, priority, severity, tier, status, assignee_id, known_issue_id,
         chat_platform, chat_channel, created_by, created_at, updated_at, tier_entered_at, status_changed_at, last_public_reply_at,
         last_requester_message_at, status_timer_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'slack', 'C0HELP', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    ticketTag: sqlite.prepare(`INSERT INTO ticket_tags (ticket_id, tag_id) VALUES (?, ?)`),
    audit: sqlite.prepare(`INSERT INTO audit_events (entity, entity_id, action, actor_id, actor_label, before, after, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    clock: sqlite.prepare(
      `INSERT INTO sla_clocks (ticket_id, tier, entered_at, left_at, used_ms, running_since, band, warned, next_check_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    outbox: sqlite.prepare(
      `INSERT INTO outbox (dedupe_key, channel, payload, ticket_id, state, attempts, next_attempt_at, created_at, sent_at) VALUES (?, 'tier:triage', ?, ?, 'sent', 1, ?, ?, ?)`,
    ),
    comment: sqlite.prepare(`INSERT INTO comments (ticket_id, visibility, body, author_id, author_label, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
    escalation: sqlite.prepare(
      `INSERT INTO oncall_escalations (ticket_id, major, escalated_at, escalated_by, oncall_person_id, step, next_step_at, acknowledged_at, acknowledged_by) VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    guard: sqlite.prepare(`INSERT INTO guard_entries (week_start, kind, body, author_id, created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?)`),
  };
  const audit = (entity: string, id: number, action: string, actor: number, before: unknown, after: unknown, at: number) => {
    insert.audit.run(entity, String(id), action, actor, `@agent${actor}`, before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after), at);
    if (inBusyWeek(at)) events[entity === 'known_issue' ? 'known-issue changes' : 'audit events']!++;
  };
  const clock = (ticket: number, tier: string, entered: number, left: number | null, running: boolean, band: string, next: number | null) => {
    insert.clock.run(ticket, tier, entered, left, running ? 0 : Math.floor(random() * 8 * HOUR), running ? entered : null, band, band === 'green' ? null : band, next);
    if (inBusyWeek(entered)) events['SLA clocks']!++;
  };

  const start = anchor - 3 * 365 * DAY;
  const tiers = ['triage', 't1', 't1', 't1', 't2', 't2', 't3', 't4', 't5'] as const;
  // Extra tickets in the busy week, over the steady flow: about 100k events that week at 1M.
  const busyExtra = Math.min(14_000, Math.round(tickets * 0.014));
  const steady = tickets - busyExtra;
  sqlite.transaction(() => {
    const agents: number[] = [];
    for (let i = 0; i < SEED_AGENTS; i++) {
      const tier = tiers[i % tiers.length]!;
      const id = Number(insert.person.run(`Agent ${i}`, i < 5 ? 'admin' : i < 20 ? 'lead' : 'agent', tier, start).lastInsertRowid);
      insert.identity.run(`U0AGENT${String(i).padStart(3, '0')}`, `agent${i}`, id);
      agents.push(id);
    }
    const knownIssues: number[] = [];
    const kiStatuses = ['investigating', 'identified', 'monitoring', 'resolved', 'resolved', 'resolved'];
    for (let i = 0; i < 400; i++) {
      const at = start + Math.floor(random() * (anchor - start));
      const title = `${pick(TITLES)} ${pick(WORDS)}`;
      const id = Number(insert.knownIssue.run(title, title.toLowerCase().replace(/[^a-z0-9]+/g, '-'), pick(kiStatuses), pick(agents), at, at).lastInsertRowid);
      audit('known_issue', id, 'known_issue.created', pick(agents), null, { title }, at);
      knownIssues.push(id);
    }
    // Known issues opened and moved during the busy week.
    for (let i = 0; i < 100; i++) {
      const at = busyFrom + Math.floor(random() * (busyTo - busyFrom));
      const title = `${pick(TITLES)} ${pick(WORDS)} (busy week)`;
      const id = Number(insert.knownIssue.run(title, title.toLowerCase().replace(/[^a-z0-9]+/g, '-'), 'investigating', pick(agents), at, at).lastInsertRowid);
      audit('known_issue', id, 'known_issue.created', pick(agents), null, { title }, at);
      knownIssues.push(id);
    }
    for (let i = 0; i < 300; i++) {
      const at = busyFrom + Math.floor(random() * (busyTo - busyFrom));
      audit('known_issue', pick(knownIssues), 'known_issue.status', pick(agents), { status: 'investigating' }, { status: pick(kiStatuses) }, at);
    }

    const busySpan = busyTo - busyFrom;
    for (let id = 1; id <= tickets; id++) {
      // Steady flow over three years up to the anchor; the extra tickets all fall in the busy week.
      const created = id <= steady ? start + Math.floor(((id - 1) / steady) * (anchor - start)) : busyFrom + Math.floor(random() * busySpan);
      const busy = id > steady;
      const recent = anchor - created < 60 * DAY || busy;
      const status = recent && random() < 0.45 ? pick(ACTIVE_STATUSES) : random() < 0.9 ? 'closed' : 'resolved';
      const active = (ACTIVE_STATUSES as readonly string[]).includes(status);
      const tier = pick(tiers);
      const assignee = random() < 0.85 ? pick(agents) : null;
      const creator = pick(agents);
      const priority = random() < 0.2 ? 'high' : random() < 0.75 ? 'medium' : 'low';
      const knownIssue = random() < 0.03 ? pick(knownIssues) : null;
      const tierEntered = created + (tier === 'triage' ? 0 : Math.floor(random() * 4 * HOUR));
      const statusChanged = active ? tierEntered + Math.floor(random() * 2 * HOUR) : created + Math.floor((1 + random() * 10) * DAY);
      const title = `${pick(TITLES)} ${pick(WORDS)}`;
      insert.ticket.run(
        id,
        title,
        // Searchable detail beside the repeated titles: an organisation and an error code.
        random() < 0.5 ? `${pick(ORGS)} reports: ${title.toLowerCase()}. Error E${1000 + Math.floor(random() * 9000)}. Steps and logs in the thread.` : '',
        `customer${id % 50_000}@example.com`,
        random() < 0.7 ? 'chat' : 'email',
        random() < 0.7 ? 'paid' : random() < 0.6 ? 'community' : 'trials',
        priority,
        random() < 0.3 ? 'minor' : null,
        tier,
        status,
        assignee,
        knownIssue,
        creator,
        created,
        Math.max(statusChanged, tierEntered),
        tierEntered,
        statusChanged,
        random() < 0.6 ? created + HOUR : null,
        created,
        // Active tickets' status timers fall due later (a month ahead), so a started bot is quiet.
        active && status !== 'open' ? anchor + Math.floor((10 + random() * 30) * DAY) : null,
      );
      insert.ticketTag.run(id, pick(areaTags));
      if (random() < 0.7) insert.ticketTag.run(id, pick(typeTags));
      audit('ticket', id, 'ticket.created', creator, null, { title, priority, tier: 'triage', status: 'open', department: 'paid', origin: 'chat' }, created);
      if (busy) {
        // The busy week's tickets carry their whole story: assigned, some escalated, some resolved.
        audit('ticket', id, 'ticket.assigned', assignee ?? creator, { assigneeId: null }, { assigneeId: assignee ?? creator }, created + 10 * 60_000);
        audit('ticket', id, 'ticket.status', assignee ?? creator, { status: 'open' }, { status: 'pending' }, created + 30 * 60_000);
        if (tier !== 'triage') audit('ticket', id, 'ticket.escalated', assignee ?? creator, { tier: 'triage' }, { tier }, tierEntered);
      }
      if (!active) audit('ticket', id, 'ticket.status', assignee ?? creator, { status: 'open' }, { status, statusChangedAt: new Date(statusChanged).toISOString() }, statusChanged);
      if (tier !== 'triage') clock(id, 'triage', created, tierEntered, false, 'green', null);
      if (active) clock(id, tier, tierEntered, null, status === 'open', random() < 0.1 ? 'yellow' : 'green', anchor + Math.floor((30 + random() * 300) * DAY));
      else clock(id, tier, tierEntered, statusChanged, false, random() < 0.05 ? 'red' : random() < 0.15 ? 'yellow' : 'green', null);
      const payload = JSON.stringify({
        tone: 'success',
        visibility: 'channel',
        title: `New ticket #${id}: ${title}`,
        fields: [
          { label: 'Priority', value: priority },
          { label: 'Requester', value: `customer${id % 50_000}@example.com` },
        ],
        buttons: [{ label: 'Assign to me', command: `/ticket assign ${id} me`, style: 'primary' }],
        ticketId: id,
      });
      insert.outbox.run(`ticket-new:${id}`, payload, id, created, created, created + 2_000);
      if (random() < 0.3) insert.comment.run(id, 'public', `Thanks, we are looking into it (${title.toLowerCase()}).`, assignee ?? creator, `@agent${assignee ?? creator}`, created + HOUR);
      if (random() < 0.1) insert.comment.run(id, 'internal', 'Checked the logs: token refresh fails after the proxy.', assignee ?? creator, `@agent${assignee ?? creator}`, created + 2 * HOUR);
      if (id % 500 === 0) {
        const at = created + HOUR;
        insert.escalation.run(id, at, creator, pick(agents), 'paged', null, at + 20 * 60_000, pick(agents));
        audit('oncall', id, 'oncall.escalated', creator, null, { ticketId: id }, at);
      }
      if (id % 100_000 === 0) log(`  seeded ${id.toLocaleString('en-US')} tickets`);
    }

    // The guard log: a handful of entries a week, two thousand in the busy week.
    const guardKinds = ['hotfix', 'sql', 'known-issue', 'loop'];
    for (let week = guardWeekStart(new Date(start), SEED_ZONE); week <= busyWeek; week = addCalendarDays(week, 7)) {
      const from = startOfDay(week, SEED_ZONE).getTime();
      const count = week === busyWeek ? 2_000 : 5;
      for (let i = 0; i < count; i++) {
        const kind = pick(guardKinds);
        const at = from + Math.floor(random() * 7 * DAY);
        const author = pick(agents);
        const body = `${kind === 'sql' ? 'Ran UPDATE on' : 'Looked at'} ${pick(TITLES).toLowerCase()}`;
        const id = Number(insert.guard.run(week, kind, body, author, at, kind === 'loop' && random() < 0.8 ? at + DAY : null).lastInsertRowid);
        audit('guard', id, 'guard.logged', author, null, { weekStart: week, kind }, at);
        if (week === busyWeek) events['guard entries']!++;
      }
    }
    // Every logical channel mapped to a Slack channel id, so the outbox has somewhere to go.
    const channels = Object.fromEntries(LOGICAL_CHANNELS.map((c) => [c, `C0${c.split(':')[1]!.toUpperCase().replace(/[^A-Z0-9]/g, '')}`]));
    sqlite.prepare(`INSERT OR REPLACE INTO team_settings (key, value, updated_at, updated_by) VALUES ('channels', ?, ?, ?)`).run(JSON.stringify(channels), start, agents[0]!);
    // The pattern watch's status-page suggestions of past years went out long ago.
    for (const id of knownIssues) insert.outbox.run(`ki-status-page:${id}`, JSON.stringify({ tone: 'warning', visibility: 'channel', title: `KI-${id} has many linked tickets` }), null, start, start, start);
  })();
  log('  rebuilding indexes');
  for (const index of indexes) if (!uniqueIndexes.includes(index)) sqlite.exec(index.sql);
  log('  building the search index');
  sqlite.exec(`DELETE FROM search_docs`);
  sqlite.exec(`INSERT INTO search_docs (rowid, title, body, ticket_id, kind) SELECT id * 2, title, description, id, 'ticket' FROM tickets`);
  sqlite.exec(`INSERT INTO search_docs (rowid, title, body, ticket_id, kind) SELECT id * 2 + 1, '', body, ticket_id, visibility FROM comments`);
  sqlite.exec(`INSERT INTO search_docs (search_docs) VALUES ('optimize')`);
  for (const trigger of searchTriggers) sqlite.exec(trigger.sql);
  const rows: Record<string, number> = {};
  for (const table of ['tickets', 'ticket_tags', 'audit_events', 'sla_clocks', 'outbox', 'comments', 'people', 'known_issues', 'guard_entries', 'oncall_escalations']) {
    rows[table] = (sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }
  sqlite.pragma('journal_mode = WAL');
  sqlite.close();
  renameSync(partial, path);
  for (const suffix of ['-wal', '-shm']) rmSync(partial + suffix, { force: true });
  const info: SeedInfo = {
    path,
    tickets,
    anchor,
    busyWeek,
    busyWeekEvents: events,
    rows,
    bytes: statSync(path).size,
    seedSeconds: (performance.now() - started) / 1000,
    cached: false,
  };
  writeFileSync(metaPath, JSON.stringify(info, null, 2));
  return info;
}

/** A fresh copy of the seeded file for one benchmark to change (the cache stays pristine). */
export function workingCopy(seed: SeedInfo, name: string): string {
  const dir = join(benchCacheDir(), 'work');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  copyFileSync(seed.path, path);
  return path;
}

/** Removes a working copy and its WAL files. */
export function removeCopy(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}
