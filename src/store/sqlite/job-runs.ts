/** The JobRunRepository on SQLite. */
import type { JobRunRepository } from '../repositories/job-runs.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteJobRuns(handles: SqliteHandles): JobRunRepository {
  return {};
}
