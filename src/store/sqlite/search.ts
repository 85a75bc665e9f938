/** The SearchRepository on SQLite. */
import type { SearchRepository } from '../repositories/search.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteSearch(handles: SqliteHandles): SearchRepository {
  return {};
}
