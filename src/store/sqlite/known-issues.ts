/** The KnownIssueRepository on SQLite. */
import type { KnownIssueRepository } from '../repositories/known-issues.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteKnownIssue(handles: SqliteHandles): KnownIssueRepository {
  return {};
}
