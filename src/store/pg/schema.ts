/**
 * The deskops database schema for PostgreSQL (drizzle pg-core): the same tables, columns, keys and
 * indexes as the SQLite schema (src/store/schema.ts), with each table's $inferSelect and
 * $inferInsert types equal to the SQLite table's (test/integration/pg-schema.test.ts and
 * test/unit/pg-schema-types.test.ts hold them together). Change it only through migrations
 * (`npm run db:generate:pg`, into migrations/pg), together with the SQLite schema.
 */

import { sql, type SQL } from 'drizzle-orm';
import { bigint, boolean, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type {
  Audience,
  Department,
  GuardKind,
  HandoffTeam,
  KnownIssueStatus,
  Origin,
  Platform,
  Priority,
  StaffGrant,
  Role,
  Severity,
  Status,
  Tier,
} from '../../domain/vocabulary.js';

/** An instant: SQLite keeps UTC milliseconds; timestamptz to the millisecond holds the same and reads back as the same Date. */
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/**
 * SQLite's blob in buffer mode: drizzle 0.45's pg-core has no bytea builder. node-postgres reads
 * bytea as a Buffer, which arrives from the bridge's thread as a plain Uint8Array (structured
 * clone keeps the bytes, not the class): made a Buffer again, as SQLite's column gives.
 */
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength)),
});

// rowidKey: SQLite makes an INTEGER PRIMARY KEY the rowid, which it assigns when an insert leaves it
// out, so drizzle types it optional on insert even where deskops always gives it (reply_signatures,
// ticket_conversations). An identity by default is PostgreSQL's same behaviour, and keeps the
// insert types equal.

/**
 * Integer widths. SQLite's INTEGER is always 64-bit; PostgreSQL's integer is 32-bit and refuses a
 * value above 2,147,483,647. A column whose value can pass that is bigint here (read back as a
 * number, as SQLite's is): durations in milliseconds, byte sizes, and counters that only grow
 * (job_runs.runs, leases.token, bouncing_addresses.bounces).
 *
 * Ids stay integer: every identity key, the foreign keys to them, and the columns that hold one of
 * our own row ids (job_cursors.position, reply_term_counts.replies, which counts replies). The
 * fastest-growing tables (audit_events, outbox) take one row per change or notification: at
 * 100,000 a day, far past a busy help desk, 2^31 ids last 58 years. Widening them would rewrite
 * every table and index that refers to them for no reachable gain.
 *
 * The small columns stay integer too: weekdays, rotation positions, hold days (at most
 * MAX_HOLD_DAYS), outbox.attempts (delivery gives up after maxAttempts).
 */

/**
 * A duration in milliseconds: PostgreSQL's 32-bit integer ends at about 24.8 days, which an SLA
 * clock's business time can pass. bigint, read back as a number.
 */
const milliseconds = (name: string) => bigint(name, { mode: 'number' });

/** A 64-bit count or size, read back as a number: exact up to 2^53 (Number.MAX_SAFE_INTEGER). */
const bigCount = (name: string) => bigint(name, { mode: 'number' });

/**
 * The text full-text search matches: SQLite keeps an FTS5 table (search_docs, porter stemming,
 * diacritics removed) in step by triggers; PostgreSQL indexes this expression with GIN instead,
 * and a search must spell the same expression for the index to serve it. deskops_search_vector is
 * an IMMUTABLE function created by migrations/pg/0000_search_functions.sql: English stemming over
 * unaccent()ed text (unaccent alone is not IMMUTABLE, so it cannot be in an index expression).
 */
export const searchVector = (title: SQL | string, body: SQL | string): SQL =>
  sql`deskops_search_vector(${typeof title === 'string' ? sql.raw(title) : title}, ${typeof body === 'string' ? sql.raw(body) : body})`;

/** The active statuses as literal SQL, for the partial index's condition: the SQLite schema's, valid in PostgreSQL as it is. */
export { ACTIVE_STATUS_CONDITION } from '../schema.js';

/**
 * A human known to deskops: staff (agent, lead, admin) or a requester; reachable through one or
 * more platform identities (a Slack user, a Rocket.Chat user, an email address).
 */
export const people = pgTable('people', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  displayName: text('display_name').notNull(),
  /** The role this person has while they are staff. */
  role: text('role').$type<Role>().notNull().default('agent'),
  /**
   * A decision by hand that beats the DESKOPS_STAFF rules: 'added' (/people add: staff whatever the
   * rules say) or 'removed' (/people remove: never staff through a rule). Null: the rules decide.
   */
  staffGrant: text('staff_grant').$type<StaffGrant>(),
  /** Whether the person was staff when last seen (every command checks again); false for requesters. */
  isStaff: boolean('is_staff').notNull().default(false),
  tier: text('tier').$type<Tier>(),
  /** The person's own IANA zone, for showing deadlines in their local time. */
  timeZone: text('time_zone'),
  /** On leave until this instant: routing skips them (set with /rotation away). */
  awayUntil: instant('away_until'),
  createdAt: instant('created_at').notNull(),
});

/** One row per platform user; the same person may have a Slack, a Rocket.Chat and a shell identity. */
export const identities = pgTable(
  'identities',
  {
    platform: text('platform').$type<Platform>().notNull(),
    externalId: text('external_id').notNull(),
    handle: text('handle').notNull(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
  },
  (t) => [
    primaryKey({ columns: [t.platform, t.externalId] }),
    index('identities_handle').on(t.platform, t.handle),
    index('identities_person').on(t.personId),
  ],
);

export const knownIssues = pgTable('known_issues', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  title: text('title').notNull(),
  slug: text('slug').notNull(),
  status: text('status').$type<KnownIssueStatus>().notNull().default('investigating'),
  bugUrl: text('bug_url'),
  /** The partner's own reference for the problem (their case or ticket number). */
  partnerRef: text('partner_ref'),
  createdBy: integer('created_by').references(() => people.id),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

export const tickets = pgTable(
  'tickets',
  {
    // AUTOINCREMENT: ticket numbers are shown to people and must never be reused (an identity's sequence never hands a number out twice either).
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    requester: text('requester'),
    requesterPersonId: integer('requester_person_id').references(() => people.id),
    origin: text('origin').$type<Origin>().notNull().default('chat'),
    department: text('department').$type<Department>().notNull(),
    priority: text('priority').$type<Priority>().notNull().default('medium'),
    severity: text('severity').$type<Severity>(),
    tier: text('tier').$type<Tier>().notNull().default('triage'),
    status: text('status').$type<Status>().notNull().default('open'),
    holdUntil: instant('hold_until'),
    assigneeId: integer('assignee_id').references(() => people.id),
    team: text('team').$type<HandoffTeam>(),
    knownIssueId: integer('known_issue_id').references(() => knownIssues.id),
    parentId: integer('parent_id'),
    /** Set when this ticket was merged into another: the conversation continues there. */
    mergedIntoId: integer('merged_into_id'),
    /** How it came from its parent: split out by an agent, or a follow-up opened by the requester writing on a Closed ticket. */
    parentKind: text('parent_kind').$type<'split' | 'follow-up'>(),
    chatPlatform: text('chat_platform').$type<Platform>(),
    chatChannel: text('chat_channel'),
    chatThread: text('chat_thread'),
    sourceLink: text('source_link'),
    createdBy: integer('created_by').references(() => people.id),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    tierEnteredAt: instant('tier_entered_at').notNull(),
    statusChangedAt: instant('status_changed_at').notNull(),
    lastPublicReplyAt: instant('last_public_reply_at'),
    lastRequesterMessageAt: instant('last_requester_message_at'),
    /** Next instant a status timer (reminder, auto-resolve, auto-close, reopen) may fire. */
    statusTimerAt: instant('status_timer_at'),
    pendingRemindedAt: instant('pending_reminded_at'),
    /** When the requester is owed a reply (one business day after their last message). */
    replyDueAt: instant('reply_due_at'),
    replyWarnedAt: instant('reply_warned_at'),
  },
  (t) => [
    index('tickets_status_timer').on(t.statusTimerAt),
    index('tickets_reply_due').on(t.replyWarnedAt, t.replyDueAt),
    index('tickets_status_tier').on(t.status, t.tier),
    index('tickets_assignee').on(t.assigneeId, t.status),
    index('tickets_known_issue').on(t.knownIssueId),
    index('tickets_parent').on(t.parentId),
    // The ticket list's default page (active tickets, newest first) without sorting every active ticket.
    index('tickets_active_id').on(t.id).where(sql`"tickets"."status" IN ('open', 'pending', 'waiting', 'hold', 'review')`),
    // Recent tickets (pattern watch, digest): without it the planner scans through another index.
    index('tickets_created').on(t.createdAt),
    // A requester's earlier tickets (the card's history line, requester: filters).
    index('tickets_requester').on(t.requester, t.id),
    // PostgreSQL only: full-text search over title and description (SQLite: the FTS5 search_docs table).
    index('tickets_search').using('gin', searchVector('title', 'description')),
  ],
);

/** A ticket as stored. Beside its table because the SLA clocks and derived state, which ticket-records.ts writes through, read it too. */
export type TicketRow = typeof tickets.$inferSelect;

/** The ticket timeline: public replies (to the requester) and internal notes (agents only). */
export const comments = pgTable(
  'comments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    visibility: text('visibility').$type<'public' | 'internal'>().notNull(),
    body: text('body').notNull(),
    authorId: integer('author_id').references(() => people.id),
    authorLabel: text('author_label').notNull(),
    /** The macro this reply was written from (null: typed by hand). */
    macroId: integer('macro_id'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [
    index('comments_ticket').on(t.ticketId, t.id),
    // PostgreSQL only: full-text search over replies and notes (SQLite: the FTS5 search_docs table).
    index('comments_search').using('gin', searchVector(`''`, 'body')),
  ],
);

/** Tag taxonomy: data edited by leads. Retired tags stay on old tickets but cannot be added again. */
export const tags = pgTable(
  'tags',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    family: text('family').notNull(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    retiredAt: instant('retired_at'),
  },
  (t) => [uniqueIndex('tags_family_slug').on(t.family, t.slug)],
);

export const ticketTags = pgTable(
  'ticket_tags',
  {
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.tagId] }), index('ticket_tags_tag').on(t.tagId)],
);

/** Every change: who, what, before, after, when. Never updated or deleted. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    actorId: integer('actor_id').references(() => people.id),
    actorLabel: text('actor_label').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    at: instant('at').notNull(),
  },
  // audit_action: "the latest event of this kind" (routing's round robin asks when each agent was last given a ticket).
  (t) => [index('audit_entity').on(t.entity, t.entityId, t.id), index('audit_at').on(t.at), index('audit_action').on(t.action, t.id)],
);

/** The on-call / T4 running log for the weekly Changing of the Guard digest. */
export const guardEntries = pgTable(
  'guard_entries',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    weekStart: text('week_start').notNull(),
    kind: text('kind').$type<GuardKind>().notNull(),
    body: text('body').notNull(),
    authorId: integer('author_id').references(() => people.id),
    createdAt: instant('created_at').notNull(),
    closedAt: instant('closed_at'),
  },
  (t) => [index('guard_week').on(t.weekStart, t.id)],
);

/**
 * Outgoing notifications, written in the same transaction as the change that causes them.
 * The unique dedupe key is what makes delivery exactly-once.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    dedupeKey: text('dedupe_key').notNull(),
    channel: text('channel').notNull(),
    payload: jsonb('payload').notNull(),
    ticketId: integer('ticket_id'),
    /**
     * A condition checked just before sending (e.g. the SLA clock is still running at that
     * band); when it no longer holds the row is dropped, not sent.
     */
    validWhile: jsonb('valid_while'),
    /** People this message mentions; nobody is mentioned for an action they took themselves. */
    mentions: jsonb('mentions').$type<number[]>(),
    /** Who may read it: 'staff' rows never reach a place a requester reads (the sinks refuse them). */
    audience: text('audience').$type<Audience>().notNull().default('staff'),
    state: text('state').$type<'queued' | 'sent' | 'failed' | 'dropped'>().notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull(),
    lastError: text('last_error'),
    /**
     * The replica whose claim holds the row (DESKOPS_REPLICA_ID) until next_attempt_at, while it
     * posts; null otherwise. On PostgreSQL a row whose claimer's session is gone is due at once.
     */
    claimedBy: text('claimed_by'),
    /** A page or a call: claimed before everything else that is due, so a backlog of chat notices never holds it. */
    urgent: boolean('urgent').notNull().default(false),
    createdAt: instant('created_at').notNull(),
    sentAt: instant('sent_at'),
  },
  (t) => [
    uniqueIndex('outbox_dedupe').on(t.dedupeKey),
    index('outbox_due').on(t.state, t.nextAttemptAt),
    // The claim reads the urgent due rows first, as one range, however long the backlog of the others.
    index('outbox_urgent_due').on(t.state, t.urgent, t.nextAttemptAt),
  ],
);

/**
 * Commands that changed something, keyed by the adapter's idempotency key (a Slack trigger id);
 * a retried request gets the stored reply instead of running again. Reads are not kept (a retry
 * runs them again harmlessly), and rows are pruned after a day: Slack retries within minutes.
 */
export const handledInvocations = pgTable(
  'handled_invocations',
  {
    key: text('key').primaryKey(),
    reply: jsonb('reply').notNull(),
    at: instant('at').notNull(),
  },
  (t) => [index('handled_invocations_at').on(t.at)],
);


/**
 * Team-wide settings edited at run time (calendar, SLA policy, status timers, channels), one JSON
 * document per key, validated by zod where it is read.
 */
export const teamSettings = pgTable('team_settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: instant('updated_at').notNull(),
  updatedBy: integer('updated_by').references(() => people.id),
});

/**
 * One SLA clock per ticket per tier entry. Business time used so far is `usedMs` plus, while
 * running, the business time since `runningSince`. `nextCheckAt` is the next instant a warning
 * can fall due, so the sweep reads only due rows, never all open tickets.
 */
export const slaClocks = pgTable(
  'sla_clocks',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    tier: text('tier').$type<Tier>().notNull(),
    enteredAt: instant('entered_at').notNull(),
    leftAt: instant('left_at'),
    usedMs: milliseconds('used_ms').notNull().default(0),
    runningSince: instant('running_since'),
    /** The worst band reached so far: green, yellow, red. */
    band: text('band').$type<'green' | 'yellow' | 'red'>().notNull().default('green'),
    /** The last warning queued for this clock: pre-yellow, yellow, red. */
    warned: text('warned').$type<'pre-yellow' | 'yellow' | 'red'>(),
    nextCheckAt: instant('next_check_at'),
    snoozedUntil: instant('snoozed_until'),
  },
  (t) => [index('sla_clocks_ticket').on(t.ticketId, t.id), index('sla_clocks_due').on(t.nextCheckAt), index('sla_clocks_entered').on(t.enteredAt)],
);

/** On-call rotations: ordered participants, handing off weekly at a weekday and time in the team zone. */
export const rotations = pgTable('rotations', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull().unique(),
  /** 1 = Monday … 7 = Sunday (ISO). */
  handoffWeekday: integer('handoff_weekday').notNull().default(1),
  /** "HH:mm" in the team zone. */
  handoffTime: text('handoff_time').notNull().default('10:00'),
  /** The instant the first participant's first shift starts; shifts count from there. */
  anchorAt: instant('anchor_at').notNull(),
  createdAt: instant('created_at').notNull(),
});

export const rotationMembers = pgTable(
  'rotation_members',
  {
    rotationId: integer('rotation_id')
      .notNull()
      .references(() => rotations.id),
    position: integer('position').notNull(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
  },
  (t) => [primaryKey({ columns: [t.rotationId, t.position] })],
);

/** Someone covering a rotation for a period (vacations, swaps). The latest override wins. */
export const rotationOverrides = pgTable(
  'rotation_overrides',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    rotationId: integer('rotation_id')
      .notNull()
      .references(() => rotations.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    startsAt: instant('starts_at').notNull(),
    endsAt: instant('ends_at').notNull(),
    createdBy: integer('created_by').references(() => people.id),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [index('rotation_overrides_span').on(t.rotationId, t.startsAt)],
);

/** Emergency contacts: how to call someone when the page goes unanswered. */
export const contacts = pgTable(
  'contacts',
  {
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    kind: text('kind').notNull(),
    value: text('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.kind] })],
);

/**
 * The acknowledgement ladder of one on-call escalation: a stored snapshot plus a pure step
 * function. `nextStepAt` is indexed for the ladder tick; acknowledging sets `acknowledgedAt`
 * through a conditional update, so a stale or repeated step is a no-op.
 */
export const oncallEscalations = pgTable(
  'oncall_escalations',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    rotationId: integer('rotation_id').references(() => rotations.id),
    major: boolean('major').notNull().default(false),
    escalatedAt: instant('escalated_at').notNull(),
    escalatedBy: integer('escalated_by').references(() => people.id),
    /** Who the latest step went to: on call at the escalation, then whoever was on call when each step fired. */
    oncallPersonId: integer('oncall_person_id').references(() => people.id),
    backupPersonId: integer('backup_person_id').references(() => people.id),
    /** announced -> paged -> called */
    step: text('step').$type<'announced' | 'paged' | 'called'>().notNull().default('announced'),
    nextStepAt: instant('next_step_at'),
    /** When the page went out (the tick that sent it); null before the page. */
    pagedAt: instant('paged_at'),
    acknowledgedAt: instant('acknowledged_at'),
    acknowledgedBy: integer('acknowledged_by').references(() => people.id),
  },
  (t) => [index('oncall_escalations_due').on(t.nextStepAt), index('oncall_escalations_ticket').on(t.ticketId)],
);

/** What each scheduled job did last: for `deskops doctor` and operators. */
export const jobRuns = pgTable('job_runs', {
  job: text('job').primaryKey(),
  lastStartedAt: instant('last_started_at'),
  lastFinishedAt: instant('last_finished_at'),
  lastDurationMs: milliseconds('last_duration_ms'),
  lastError: text('last_error'),
  runs: bigCount('runs').notNull().default(0),
});

/**
 * Leases several replicas take turns holding (the scheduler's lead, the Rocket.Chat subscription).
 * Who holds one is decided elsewhere (PostgreSQL: an advisory lock on the holder's own session);
 * this row counts the turns: `token` grows by one each time a replica takes the lease, and every
 * write the holder makes under it checks the token is still its own (fencing), so a holder that
 * paused and lost the lease cannot write after the next one took over.
 */
export const leases = pgTable('leases', {
  name: text('name').primaryKey(),
  token: bigCount('token').notNull(),
  holder: text('holder').notNull(),
  acquiredAt: instant('acquired_at').notNull(),
});

/**
 * The chat threads that carry a ticket on one platform (Slack: channel + thread ts; Rocket.Chat:
 * room + tmid): its thread in its tier's channel, and the message it was created from. Updates,
 * SLA warnings and the ladder for that ticket post into the thread of the channel they go to.
 */
export const ticketThreads = pgTable(
  'ticket_threads',
  {
    platform: text('platform').$type<Platform>().notNull(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    channel: text('channel').notNull(),
    thread: text('thread').notNull(),
    /**
     * The requester's conversation (the thread of the message the ticket was opened from), as
     * opposed to the agents' thread in a tier channel: nothing for staff only is posted in it.
     */
    conversation: boolean('conversation').notNull().default(false),
    createdAt: instant('created_at').notNull(),
  },
  // One thread per ticket per channel: the tier channel's thread, and the message it was opened from.
  (t) => [primaryKey({ columns: [t.platform, t.ticketId, t.channel] }), index('ticket_threads_message').on(t.platform, t.channel, t.thread)],
);

/**
 * Chat messages deskops has already acted on (a reaction, an intake message, an event id), so a
 * retried or replayed platform event never runs twice.
 */
export const seenEvents = pgTable('seen_events', {
  key: text('key').primaryKey(),
  at: instant('at').notNull(),
});

/**
 * Per chat room, the newest message deskops has seen there (Rocket.Chat), so a restart of deskops
 * itself, not only a reconnect, reads back the commands typed while it was away.
 */
export const chatCursors = pgTable(
  'chat_cursors',
  {
    platform: text('platform').$type<Platform>().notNull(),
    room: text('room').notNull(),
    lastSeenAt: instant('last_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.room] })],
);


/**
 * Canned replies: a text with placeholders ({requester.name}, {ticket.id}, {agent.name},
 * {link:<name>}) and the changes a macro makes beside the reply (status, priority, tags).
 */
export const macros = pgTable('macros', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  name: text('name').notNull().unique(),
  body: text('body').notNull(),
  /** Offered to this department only (null: every department). */
  department: text('department').$type<Department>(),
  setStatus: text('set_status').$type<Status>(),
  holdDays: integer('hold_days'),
  setPriority: text('set_priority').$type<Priority>(),
  /** Tags added with the reply: ["type:Question", …]. */
  addTags: jsonb('add_tags').$type<string[]>(),
  createdBy: integer('created_by').references(() => people.id),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

/** People who get a DM for each public activity and status change on a ticket. */
export const ticketFollowers = pgTable(
  'ticket_followers',
  {
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
    addedBy: integer('added_by').references(() => people.id),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.personId] }), index('ticket_followers_person').on(t.personId)],
);

/** Status updates on a known issue (by on-call), sent to the agents of its linked tickets. */
export const knownIssueNotes = pgTable(
  'known_issue_notes',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    knownIssueId: integer('known_issue_id')
      .notNull()
      .references(() => knownIssues.id),
    body: text('body').notNull(),
    authorId: integer('author_id').references(() => people.id),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [index('known_issue_notes_issue').on(t.knownIssueId, t.id)],
);

/** A weekly rotation that staffs a tier (Triage, T3…): new tickets there go to the person on duty. */
export const tierRotations = pgTable('tier_rotations', {
  tier: text('tier').$type<Tier>().primaryKey(),
  handoffWeekday: integer('handoff_weekday').notNull().default(1),
  handoffTime: text('handoff_time').notNull().default('10:00'),
  anchorAt: instant('anchor_at').notNull(),
  createdAt: instant('created_at').notNull(),
});

export const tierRotationMembers = pgTable(
  'tier_rotation_members',
  {
    tier: text('tier').$type<Tier>().notNull(),
    position: integer('position').notNull(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id),
  },
  (t) => [primaryKey({ columns: [t.tier, t.position] })],
);

/** Where a job that walks an append-only table got to (the follower updates walk audit events). */
export const jobCursors = pgTable('job_cursors', {
  name: text('name').primaryKey(),
  position: integer('position').notNull(),
});

/**
 * Hand-written public replies as the duplicate-answer detector sees them: their weighted terms,
 * and an inverted index from term to reply for finding candidates without reading every reply.
 */
export const replySignatures = pgTable(
  'reply_signatures',
  {
    commentId: integer('comment_id')
      .primaryKey()
      .generatedByDefaultAsIdentity() // rowidKey, above
      .references(() => comments.id),
    ticketId: integer('ticket_id').notNull(),
    createdAt: instant('created_at').notNull(),
    /** Term -> count, after stemming and stop words. */
    terms: jsonb('terms').$type<Record<string, number>>().notNull(),
  },
  (t) => [index('reply_signatures_created').on(t.createdAt)],
);

export const replyTerms = pgTable(
  'reply_terms',
  {
    term: text('term').notNull(),
    commentId: integer('comment_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.term, t.commentId] })],
);

/** Document frequency of each term over the indexed replies (for TF-IDF weights). */
export const replyTermCounts = pgTable('reply_term_counts', {
  term: text('term').primaryKey(),
  replies: integer('replies').notNull(),
});

/** A group of near-identical hand-written answers on different tickets, suggested to the leads once. */
export const answerClusters = pgTable('answer_clusters', {
  id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
  /** suggested -> macro | doc | dismissed */
  state: text('state').$type<'suggested' | 'macro' | 'doc' | 'dismissed'>().notNull().default('suggested'),
  createdAt: instant('created_at').notNull(),
  decidedBy: integer('decided_by').references(() => people.id),
  decidedAt: instant('decided_at'),
});

export const answerClusterMembers = pgTable(
  'answer_cluster_members',
  {
    clusterId: integer('cluster_id')
      .notNull()
      .references(() => answerClusters.id),
    commentId: integer('comment_id').notNull(),
    ticketId: integer('ticket_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clusterId, t.commentId] }), uniqueIndex('answer_cluster_members_comment').on(t.commentId)],
);

/**
 * Where a ticket's requester is answered: the place they last wrote from (a chat thread, a direct
 * message, an email thread). Public replies, the Pending reminder and receipts go there.
 */
export const ticketConversations = pgTable('ticket_conversations', {
  ticketId: integer('ticket_id')
    .primaryKey()
    .generatedByDefaultAsIdentity() // rowidKey, above
    .references(() => tickets.id),
  platform: text('platform').$type<Platform>().notNull(),
  /** Slack channel id, Rocket.Chat room id; null for email. */
  channel: text('channel'),
  /** The thread (Slack ts, Rocket.Chat tmid); for email the last Message-ID, answered with In-Reply-To. */
  thread: text('thread'),
  /** Email: the requester's address. */
  address: text('address'),
  updatedAt: instant('updated_at').notNull(),
});

/**
 * The platform message each recorded comment came from (a requester's chat message, a mail), so an
 * edit or a deletion of it is recorded on the same ticket, and a replayed message never twice.
 */
export const commentSources = pgTable(
  'comment_sources',
  {
    platform: text('platform').$type<Platform>().notNull(),
    messageId: text('message_id').notNull(),
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
  },
  (t) => [primaryKey({ columns: [t.platform, t.messageId] })],
);

/** Every mail deskops sent or took in, by Message-ID: how a reply (In-Reply-To, References) finds its ticket. */
export const mailMessages = pgTable(
  'mail_messages',
  {
    messageId: text('message_id').primaryKey(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    direction: text('direction').$type<'in' | 'out'>().notNull(),
    /** The correspondent: the requester's address for mail in, the recipient for mail out. */
    address: text('address').notNull(),
    at: instant('at').notNull(),
  },
  (t) => [index('mail_messages_ticket').on(t.ticketId, t.at)],
);

/**
 * A requester's new message outside a ticket's thread (a DM, an intake channel, a mail without a
 * thread) while they have a ticket open there: an agent decides whether it belongs to that ticket
 * or opens a new one, rather than deskops guessing.
 */
export const pendingMessages = pgTable(
  'pending_messages',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    platform: text('platform').$type<Platform>().notNull(),
    channel: text('channel'),
    messageId: text('message_id').notNull(),
    /** What a reply in the message's thread names as its thread (Slack ts, Rocket.Chat id): the new ticket's conversation. */
    root: text('root'),
    authorId: integer('author_id')
      .notNull()
      .references(() => people.id),
    /** The author's name as they wrote it ("@jane", "jane@example.com"). */
    author: text('author').notNull(),
    body: text('body').notNull(),
    /** The open ticket it probably belongs to. */
    candidateId: integer('candidate_id').references(() => tickets.id),
    state: text('state').$type<'pending' | 'added' | 'opened'>().notNull().default('pending'),
    /** The ticket it ended up on. */
    ticketId: integer('ticket_id').references(() => tickets.id),
    createdAt: instant('created_at').notNull(),
    decidedBy: integer('decided_by').references(() => people.id),
    decidedAt: instant('decided_at'),
  },
  (t) => [uniqueIndex('pending_messages_source').on(t.platform, t.messageId), index('pending_messages_state').on(t.state, t.id)],
);

/** Files that came with a requester's mail: kept up to a size limit, always listed on the timeline. */
export const attachments = pgTable(
  'attachments',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    commentId: integer('comment_id').references(() => comments.id),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: bigCount('size').notNull(),
    /** The bytes, or null when the file was over the limit (listed, not kept). */
    data: bytea('data'),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [index('attachments_ticket').on(t.ticketId)],
);

/** Senders whose mail is dropped without a ticket (/requester block): an address, or "@domain". */
export const blockedSenders = pgTable('blocked_senders', {
  pattern: text('pattern').primaryKey(),
  createdBy: integer('created_by').references(() => people.id),
  createdAt: instant('created_at').notNull(),
});

/** Addresses whose mail bounced (a delivery status notification came back): agents are told, and see it on the card. */
export const bouncingAddresses = pgTable('bouncing_addresses', {
  address: text('address').primaryKey(),
  reason: text('reason').notNull(),
  bounces: bigCount('bounces').notNull().default(1),
  lastAt: instant('last_at').notNull(),
});
