/** The DuplicateAnswerRepository on SQLite. */
import type { DuplicateAnswerRepository } from '../repositories/duplicates.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteDuplicateAnswer(handles: SqliteHandles): DuplicateAnswerRepository {
  return {};
}
