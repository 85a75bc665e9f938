/** The ClaimRepository on SQLite. */
import type { ClaimRepository } from '../repositories/claims.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteClaim(handles: SqliteHandles): ClaimRepository {
  return {};
}
