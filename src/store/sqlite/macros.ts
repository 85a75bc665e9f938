/** The MacroRepository on SQLite. */
import type { MacroRepository } from '../repositories/macros.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteMacro(handles: SqliteHandles): MacroRepository {
  return {};
}
