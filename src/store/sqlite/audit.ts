/** The AuditRepository on SQLite. */
import type { AuditRepository } from '../repositories/audit.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteAudit(handles: SqliteHandles): AuditRepository {
  return {};
}
