/** The PostgreSQL implementation of every repository, over one connection of the bridge. */
import type { Repositories } from '../repositories.js';
import type { PgHandles } from './handles.js';
import { pgTicket } from './tickets.js';
import { pgComment } from './comments.js';
import { pgTag } from './tags.js';
import { pgClock } from './clocks.js';
import { pgConversation } from './conversations.js';
import { pgFollower } from './followers.js';
import { pgSearch } from './search.js';
import { pgPeople } from './people.js';
import { pgSettings } from './settings.js';
import { pgAudit } from './audit.js';
import { pgClaim } from './claims.js';
import { pgRotation } from './rotations.js';
import { pgJobRuns } from './job-runs.js';
import { pgLeases } from './leases.js';
import { pgOnCall } from './oncall.js';
import { pgKnownIssue } from './known-issues.js';
import { pgReport } from './reports.js';
import { pgDigest } from './digest.js';
import { pgDuplicateAnswer } from './duplicates.js';
import { pgMacro } from './macros.js';
import { pgOutbox } from './outbox.js';
import { pgMail } from './mail.js';

export function pgRepositories(handles: PgHandles): Repositories {
  return {
    tickets: pgTicket(handles),
    comments: pgComment(handles),
    tags: pgTag(handles),
    clocks: pgClock(handles),
    conversations: pgConversation(handles),
    followers: pgFollower(handles),
    search: pgSearch(handles),
    people: pgPeople(handles),
    settings: pgSettings(handles),
    audit: pgAudit(handles),
    claims: pgClaim(handles),
    rotations: pgRotation(handles),
    jobRuns: pgJobRuns(handles),
    leases: pgLeases(handles),
    oncall: pgOnCall(handles),
    knownIssues: pgKnownIssue(handles),
    reports: pgReport(handles),
    digest: pgDigest(handles),
    duplicates: pgDuplicateAnswer(handles),
    macros: pgMacro(handles),
    outbox: pgOutbox(handles),
    mail: pgMail(handles),
  };
}
