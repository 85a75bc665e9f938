/** The FollowerRepository on SQLite. */
import type { FollowerRepository } from '../repositories/followers.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteFollower(handles: SqliteHandles): FollowerRepository {
  return {};
}
