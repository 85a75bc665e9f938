/** The deskops database schema (drizzle). Instants are UTC milliseconds; change it only through migrations. */

import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
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
} from '../domain/vocabulary.js';

const instant = (name: string) => integer(name, { mode: 'timestamp_ms' });

/**
 * The active statuses (domain/lifecycle's ACTIVE_STATUSES, in that order; a test keeps them equal)
 * as literal SQL. The partial index on active tickets is only usable, and INDEXED BY only
 * accepted, when a query spells this condition the same way, with literals rather than bound
 * parameters.
 */
export const ACTIVE_STATUS_CONDITION = sql.raw(`"tickets"."status" IN ('open', 'pending', 'waiting', 'hold', 'review')`);

/**
 * A human known to deskops: staff (agent, lead, admin) or a requester; reachable through one or
 * more platform identities (a Slack user, a Rocket.Chat user, an email address).
 */
export const people = sqliteTable('people', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  displayName: text('display_name').notNull(),
  /** The role this person has while they are staff. */
  role: text('role').$type<Role>().notNull().default('agent'),
  /**
   * A decision by hand that beats the DESKOPS_STAFF rules: 'added' (/people add: staff whatever the
   * rules say) or 'removed' (/people remove: never staff through a rule). Null: the rules decide.
   */
  staffGrant: text('staff_grant').$type<StaffGrant>(),
  /** Whether the person was staff when last seen (every command checks again); false for requesters. */
  isStaff: integer('is_staff', { mode: 'boolean' }).notNull().default(false),
  tier: text('tier').$type<Tier>(),
  /** The person's own IANA zone, for showing deadlines in their local time. */
  timeZone: text('time_zone'),
  /** On leave until this instant: routing skips them (set with /rotation away). */
  awayUntil: instant('away_until'),
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
  /** The partner's own reference for the problem (their case or ticket number). */
  partnerRef: text('partner_ref'),
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
  ],
);

/** A ticket as stored. Beside its table because the SLA clocks and derived state, which ticket-records.ts writes through, read it too. */
export type TicketRow = typeof tickets.$inferSelect;

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
    /** The macro this reply was written from (null: typed by hand). */
    macroId: integer('macro_id'),
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
  // audit_action: "the latest event of this kind" (routing's round robin asks when each agent was last given a ticket).
  (t) => [index('audit_entity').on(t.entity, t.entityId, t.id), index('audit_at').on(t.at), index('audit_action').on(t.action, t.id)],
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
    urgent: integer('urgent', { mode: 'boolean' }).notNull().default(false),
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
export const handledInvocations = sqliteTable(
  'handled_invocations',
  {
    key: text('key').primaryKey(),
    reply: text('reply', { mode: 'json' }).notNull(),
    at: instant('at').notNull(),
  },
  (t) => [index('handled_invocations_at').on(t.at)],
);


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
 * Leases several replicas take turns holding (the scheduler's lead, the Rocket.Chat subscription).
 * Who holds one is decided elsewhere (PostgreSQL: an advisory lock on the holder's own session);
 * this row counts the turns: `token` grows by one each time a replica takes the lease, and every
 * write the holder makes under it checks the token is still its own (fencing), so a holder that
 * paused and lost the lease cannot write after the next one took over.
 */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  token: integer('token').notNull(),
  holder: text('holder').notNull(),
  acquiredAt: instant('acquired_at').notNull(),
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
    /**
     * The requester's conversation (the thread of the message the ticket was opened from), as
     * opposed to the agents' thread in a tier channel: nothing for staff only is posted in it.
     */
    conversation: integer('conversation', { mode: 'boolean' }).notNull().default(false),
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


/**
 * Canned replies: a text with placeholders ({requester.name}, {ticket.id}, {agent.name},
 * {link:<name>}) and the changes a macro makes beside the reply (status, priority, tags).
 */
export const macros = sqliteTable('macros', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  body: text('body').notNull(),
  /** Offered to this department only (null: every department). */
  department: text('department').$type<Department>(),
  setStatus: text('set_status').$type<Status>(),
  holdDays: integer('hold_days'),
  setPriority: text('set_priority').$type<Priority>(),
  /** Tags added with the reply: ["type:Question", …]. */
  addTags: text('add_tags', { mode: 'json' }).$type<string[]>(),
  createdBy: integer('created_by').references(() => people.id),
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
});

/** People who get a DM for each public activity and status change on a ticket. */
export const ticketFollowers = sqliteTable(
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
export const knownIssueNotes = sqliteTable(
  'known_issue_notes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
export const tierRotations = sqliteTable('tier_rotations', {
  tier: text('tier').$type<Tier>().primaryKey(),
  handoffWeekday: integer('handoff_weekday').notNull().default(1),
  handoffTime: text('handoff_time').notNull().default('10:00'),
  anchorAt: instant('anchor_at').notNull(),
  createdAt: instant('created_at').notNull(),
});

export const tierRotationMembers = sqliteTable(
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
export const jobCursors = sqliteTable('job_cursors', {
  name: text('name').primaryKey(),
  position: integer('position').notNull(),
});

/**
 * Hand-written public replies as the duplicate-answer detector sees them: their weighted terms,
 * and an inverted index from term to reply for finding candidates without reading every reply.
 */
export const replySignatures = sqliteTable(
  'reply_signatures',
  {
    commentId: integer('comment_id')
      .primaryKey()
      .references(() => comments.id),
    ticketId: integer('ticket_id').notNull(),
    createdAt: instant('created_at').notNull(),
    /** Term -> count, after stemming and stop words. */
    terms: text('terms', { mode: 'json' }).$type<Record<string, number>>().notNull(),
  },
  (t) => [index('reply_signatures_created').on(t.createdAt)],
);

export const replyTerms = sqliteTable(
  'reply_terms',
  {
    term: text('term').notNull(),
    commentId: integer('comment_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.term, t.commentId] })],
);

/** Document frequency of each term over the indexed replies (for TF-IDF weights). */
export const replyTermCounts = sqliteTable('reply_term_counts', {
  term: text('term').primaryKey(),
  replies: integer('replies').notNull(),
});

/** A group of near-identical hand-written answers on different tickets, suggested to the leads once. */
export const answerClusters = sqliteTable('answer_clusters', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** suggested -> macro | doc | dismissed */
  state: text('state').$type<'suggested' | 'macro' | 'doc' | 'dismissed'>().notNull().default('suggested'),
  createdAt: instant('created_at').notNull(),
  decidedBy: integer('decided_by').references(() => people.id),
  decidedAt: instant('decided_at'),
});

export const answerClusterMembers = sqliteTable(
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
export const ticketConversations = sqliteTable('ticket_conversations', {
  ticketId: integer('ticket_id')
    .primaryKey()
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
export const commentSources = sqliteTable(
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
export const mailMessages = sqliteTable(
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
export const pendingMessages = sqliteTable(
  'pending_messages',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
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
export const attachments = sqliteTable(
  'attachments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    ticketId: integer('ticket_id')
      .notNull()
      .references(() => tickets.id),
    commentId: integer('comment_id').references(() => comments.id),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    /** The bytes, or null when the file was over the limit (listed, not kept). */
    data: blob('data', { mode: 'buffer' }),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [index('attachments_ticket').on(t.ticketId)],
);

/** Senders whose mail is dropped without a ticket (/requester block): an address, or "@domain". */
export const blockedSenders = sqliteTable('blocked_senders', {
  pattern: text('pattern').primaryKey(),
  createdBy: integer('created_by').references(() => people.id),
  createdAt: instant('created_at').notNull(),
});

/** Addresses whose mail bounced (a delivery status notification came back): agents are told, and see it on the card. */
export const bouncingAddresses = sqliteTable('bouncing_addresses', {
  address: text('address').primaryKey(),
  reason: text('reason').notNull(),
  bounces: integer('bounces').notNull().default(1),
  lastAt: instant('last_at').notNull(),
});
