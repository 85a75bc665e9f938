/** The CommentRepository on SQLite. */
import type { CommentRepository } from '../repositories/comments.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteComment(handles: SqliteHandles): CommentRepository {
  return {};
}
