/**
 * Every repository of the storage port (storage.ts), by name. Each is an interface in
 * repositories/ that says nothing of the engine; sqlite/ holds their SQLite implementations.
 */
import type { TicketRepository } from './repositories/tickets.js';
import type { CommentRepository } from './repositories/comments.js';
import type { TagRepository } from './repositories/tags.js';
import type { ClockRepository } from './repositories/clocks.js';
import type { ConversationRepository } from './repositories/conversations.js';
import type { FollowerRepository } from './repositories/followers.js';
import type { SearchRepository } from './repositories/search.js';
import type { PeopleRepository } from './repositories/people.js';
import type { SettingsRepository } from './repositories/settings.js';
import type { AuditRepository } from './repositories/audit.js';
import type { ClaimRepository } from './repositories/claims.js';
import type { RotationRepository } from './repositories/rotations.js';
import type { JobRunRepository } from './repositories/job-runs.js';
import type { LeaseRepository } from './repositories/leases.js';
import type { OnCallRepository } from './repositories/oncall.js';
import type { KnownIssueRepository } from './repositories/known-issues.js';
import type { ReportRepository } from './repositories/reports.js';
import type { DigestRepository } from './repositories/digest.js';
import type { DuplicateAnswerRepository } from './repositories/duplicates.js';
import type { MacroRepository } from './repositories/macros.js';
import type { OutboxRepository } from './repositories/outbox.js';
import type { MailRepository } from './repositories/mail.js';

export interface Repositories {
  readonly tickets: TicketRepository;
  readonly comments: CommentRepository;
  readonly tags: TagRepository;
  readonly clocks: ClockRepository;
  readonly conversations: ConversationRepository;
  readonly followers: FollowerRepository;
  readonly search: SearchRepository;
  readonly people: PeopleRepository;
  readonly settings: SettingsRepository;
  readonly audit: AuditRepository;
  readonly claims: ClaimRepository;
  readonly rotations: RotationRepository;
  readonly jobRuns: JobRunRepository;
  readonly leases: LeaseRepository;
  readonly oncall: OnCallRepository;
  readonly knownIssues: KnownIssueRepository;
  readonly reports: ReportRepository;
  readonly digest: DigestRepository;
  readonly duplicates: DuplicateAnswerRepository;
  readonly macros: MacroRepository;
  readonly outbox: OutboxRepository;
  readonly mail: MailRepository;
}
