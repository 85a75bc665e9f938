/** The PeopleRepository on SQLite. */
import type { PeopleRepository } from '../repositories/people.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqlitePeople(handles: SqliteHandles): PeopleRepository {
  return {};
}
