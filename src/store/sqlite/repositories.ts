/** The SQLite implementation of every repository, over one connection. */
import type { Repositories } from '../repositories.js';
import type { SqliteHandles } from './handles.js';
import { sqliteTicket } from './tickets.js';
import { sqliteComment } from './comments.js';
import { sqliteTag } from './tags.js';
import { sqliteClock } from './clocks.js';
import { sqliteConversation } from './conversations.js';
import { sqliteFollower } from './followers.js';
import { sqliteSearch } from './search.js';
import { sqlitePeople } from './people.js';
import { sqliteSettings } from './settings.js';
import { sqliteAudit } from './audit.js';
import { sqliteClaim } from './claims.js';
import { sqliteRotation } from './rotations.js';
import { sqliteJobRuns } from './job-runs.js';
import { sqliteLeases } from './leases.js';
import { sqliteOnCall } from './oncall.js';
import { sqliteKnownIssue } from './known-issues.js';
import { sqliteReport } from './reports.js';
import { sqliteDigest } from './digest.js';
import { sqliteDuplicateAnswer } from './duplicates.js';
import { sqliteMacro } from './macros.js';
import { sqliteOutbox } from './outbox.js';
import { sqliteMail } from './mail.js';

export function sqliteRepositories(handles: SqliteHandles): Repositories {
  return {
    tickets: sqliteTicket(handles),
    comments: sqliteComment(handles),
    tags: sqliteTag(handles),
    clocks: sqliteClock(handles),
    conversations: sqliteConversation(handles),
    followers: sqliteFollower(handles),
    search: sqliteSearch(handles),
    people: sqlitePeople(handles),
    settings: sqliteSettings(handles),
    audit: sqliteAudit(handles),
    claims: sqliteClaim(handles),
    rotations: sqliteRotation(handles),
    jobRuns: sqliteJobRuns(handles),
    leases: sqliteLeases(handles),
    oncall: sqliteOnCall(handles),
    knownIssues: sqliteKnownIssue(handles),
    reports: sqliteReport(handles),
    digest: sqliteDigest(handles),
    duplicates: sqliteDuplicateAnswer(handles),
    macros: sqliteMacro(handles),
    outbox: sqliteOutbox(handles),
    mail: sqliteMail(handles),
  };
}
