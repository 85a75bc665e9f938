/** The TagRepository on SQLite. */
import type { TagRepository } from '../repositories/tags.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteTag(handles: SqliteHandles): TagRepository {
  return {};
}
