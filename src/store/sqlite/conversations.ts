/** The ConversationRepository on SQLite. */
import type { ConversationRepository } from '../repositories/conversations.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteConversation(handles: SqliteHandles): ConversationRepository {
  return {};
}
