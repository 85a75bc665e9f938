/** The deskops database schema (drizzle). Instants are UTC milliseconds; change it only through migrations. */

import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type {
  Department,
  GuardKind,
  HandoffTeam,
  KnownIssueStatus,
  Origin,
  Platform,
  Priority,
  Role,
  Severity,
  Status,
  Tier,
} from '../domain/vocabulary.js';

const instant = (name: string) => integer(name, { mode: 'timestamp_ms' });

/**
 * The active statuses (domain/lifecycle's ACTIVE_STATUSES, in that order; a test keeps them equal)
 * as literal SQL. The partial index on active tickets is only usable, and INDEXED BY only
 * accepted, when a query spells this condition the same way, with literals rather than bound
 * parameters.
 */
export const ACTIVE_STATUS_CONDITION = sql.raw(`"tickets"."status" IN ('open', 'pending', 'waiting', 'hold', 'review')`);

/** A human (agent, lead, admin) known to deskops; reachable through one or more platform identities. */
export const people = sqliteTable('people', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  displayName: text('display_name').notNull(),
  role: text('role').$type<Role>().notNull().default('agent'),
  tier: text('tier').$type<Tier>(),
  /** The person's own IANA zone, for showing deadlines in their local time. */
  timeZone: text('time_zone'),
  createdAt: instant('created_at').notNull(),
});

/** One row per platform user; the same person may have a Slack, a Rocket.Chat and a shell identity. */
export const identities = sqliteTable(
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

export const knownIssues = sqliteTable('known_issues', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  title: text('title').notNull(),
  slug: text('slug').notNull(),
  status: text('status').$type<KnownIssueStatus>().notNull().default('investigating'),
  bugUrl: text('bug_url'),
  createdBy: integer('created_by').references(() => people.id),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

export const tickets = sqliteTable(
  'tickets',
  {
    // AUTOINCREMENT: ticket numbers are shown to people and must never be reused.
    id: integer('id').primaryKey({ autoIncrement: true }),
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
  ],
);

/** The ticket timeline: public replies (to the requester) and internal notes (agents only). */
export const comments = sqliteTable(
  'comments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    visibility: text('visibility').$type<'public' | 'internal'>().notNull(),
    body: text('body').notNull(),
    authorId: integer('author_id').references(() => people.id),
    authorLabel: text('author_label').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [index('comments_ticket').on(t.ticketId, t.id)],
);

/** Tag taxonomy: data edited by leads. Retired tags stay on old tickets but cannot be added again. */
export const tags = sqliteTable(
  'tags',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    family: text('family').notNull(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    retiredAt: instant('retired_at'),
  },
  (t) => [uniqueIndex('tags_family_slug').on(t.family, t.slug)],
);

export const ticketTags = sqliteTable(
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
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    action: text('action').notNull(),
    actorId: integer('actor_id').references(() => people.id),
    actorLabel: text('actor_label').notNull(),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    at: instant('at').notNull(),
  },
  (t) => [index('audit_entity').on(t.entity, t.entityId, t.id), index('audit_at').on(t.at)],
);

/** The on-call / T4 running log for the weekly Changing of the Guard digest. */
export const guardEntries = sqliteTable(
  'guard_entries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dedupeKey: text('dedupe_key').notNull(),
    channel: text('channel').notNull(),
    payload: text('payload', { mode: 'json' }).notNull(),
    ticketId: integer('ticket_id'),
    /**
     * A condition checked just before sending (e.g. the SLA clock is still running at that
     * band); when it no longer holds the row is dropped, not sent.
     */
    validWhile: text('valid_while', { mode: 'json' }),
    /** People this message mentions; nobody is mentioned for an action they took themselves. */
    mentions: text('mentions', { mode: 'json' }).$type<number[]>(),
    state: text('state').$type<'queued' | 'sent' | 'failed' | 'dropped'>().notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull(),
    lastError: text('last_error'),
    createdAt: instant('created_at').notNull(),
    sentAt: instant('sent_at'),
  },
  (t) => [uniqueIndex('outbox_dedupe').on(t.dedupeKey), index('outbox_due').on(t.state, t.nextAttemptAt)],
);

/**
 * Invocations already handled, keyed by the adapter's idempotency key (a Slack trigger id, a
 * Rocket.Chat message id); a retried request gets the stored reply instead of running again.
 */
export const handledInvocations = sqliteTable('handled_invocations', {
  key: text('key').primaryKey(),
  reply: text('reply', { mode: 'json' }).notNull(),
  at: instant('at').notNull(),
});


/**
 * Team-wide settings edited at run time (calendar, SLA policy, status timers, channels), one JSON
 * document per key, validated by zod where it is read.
 */
export const teamSettings = sqliteTable('team_settings', {
  key: text('key').primaryKey(),
  value: text('value', { mode: 'json' }).notNull(),
  updatedAt: instant('updated_at').notNull(),
  updatedBy: integer('updated_by').references(() => people.id),
});

/**
 * One SLA clock per ticket per tier entry. Business time used so far is `usedMs` plus, while
 * running, the business time since `runningSince`. `nextCheckAt` is the next instant a warning
 * can fall due, so the sweep reads only due rows, never all open tickets.
 */
export const slaClocks = sqliteTable(
  'sla_clocks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    tier: text('tier').$type<Tier>().notNull(),
    enteredAt: instant('entered_at').notNull(),
    leftAt: instant('left_at'),
    usedMs: integer('used_ms').notNull().default(0),
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
export const rotations = sqliteTable('rotations', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  /** 1 = Monday … 7 = Sunday (ISO). */
  handoffWeekday: integer('handoff_weekday').notNull().default(1),
  /** "HH:mm" in the team zone. */
  handoffTime: text('handoff_time').notNull().default('10:00'),
  /** The instant the first participant's first shift starts; shifts count from there. */
  anchorAt: instant('anchor_at').notNull(),
  createdAt: instant('created_at').notNull(),
});

export const rotationMembers = sqliteTable(
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
export const rotationOverrides = sqliteTable(
  'rotation_overrides',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
export const contacts = sqliteTable(
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
export const oncallEscalations = sqliteTable(
  'oncall_escalations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    rotationId: integer('rotation_id').references(() => rotations.id),
    major: integer('major', { mode: 'boolean' }).notNull().default(false),
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
export const jobRuns = sqliteTable('job_runs', {
  job: text('job').primaryKey(),
  lastStartedAt: instant('last_started_at'),
  lastFinishedAt: instant('last_finished_at'),
  lastDurationMs: integer('last_duration_ms'),
  lastError: text('last_error'),
  runs: integer('runs').notNull().default(0),
});

/**
 * The chat threads that carry a ticket on one platform (Slack: channel + thread ts; Rocket.Chat:
 * room + tmid): its thread in its tier's channel, and the message it was created from. Updates,
 * SLA warnings and the ladder for that ticket post into the thread of the channel they go to.
 */
export const ticketThreads = sqliteTable(
  'ticket_threads',
  {
    platform: text('platform').$type<Platform>().notNull(),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    channel: text('channel').notNull(),
    thread: text('thread').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  // One thread per ticket per channel: the tier channel's thread, and the message it was opened from.
  (t) => [primaryKey({ columns: [t.platform, t.ticketId, t.channel] }), index('ticket_threads_message').on(t.platform, t.channel, t.thread)],
);

/**
 * Chat messages deskops has already acted on (a reaction, an intake message, an event id), so a
 * retried or replayed platform event never runs twice.
 */
export const seenEvents = sqliteTable('seen_events', {
  key: text('key').primaryKey(),
  at: instant('at').notNull(),
});

/**
 * Per chat room, the newest message deskops has seen there (Rocket.Chat), so a restart of deskops
 * itself, not only a reconnect, reads back the commands typed while it was away.
 */
export const chatCursors = sqliteTable(
  'chat_cursors',
  {
    platform: text('platform').$type<Platform>().notNull(),
    room: text('room').notNull(),
    lastSeenAt: instant('last_seen_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.room] })],
);
