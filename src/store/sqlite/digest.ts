/** The DigestRepository on SQLite. */
import type { DigestRepository } from '../repositories/digest.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteDigest(handles: SqliteHandles): DigestRepository {
  return {};
}
