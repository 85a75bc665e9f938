/** The ReportRepository on SQLite. */
import type { ReportRepository } from '../repositories/reports.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteReport(handles: SqliteHandles): ReportRepository {
  return {};
}
