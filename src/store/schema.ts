/** The deskops database schema (drizzle). Instants are UTC milliseconds; change it only through migrations. */

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

/** A human (agent, lead, admin) known to deskops; reachable through one or more platform identities. */
export const people = sqliteTable('people', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  displayName: text('display_name').notNull(),
  role: text('role').$type<Role>().notNull().default('agent'),
  tier: text('tier').$type<Tier>(),
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
  },
  (t) => [
    index('tickets_status_tier').on(t.status, t.tier),
    index('tickets_assignee').on(t.assigneeId, t.status),
    index('tickets_known_issue').on(t.knownIssueId),
    index('tickets_parent').on(t.parentId),
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

