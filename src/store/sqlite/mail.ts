/** The MailRepository on SQLite. */
import type { MailRepository } from '../repositories/mail.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteMail(handles: SqliteHandles): MailRepository {
  return {};
}
