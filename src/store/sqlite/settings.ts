/** The SettingsRepository on SQLite. */
import type { SettingsRepository } from '../repositories/settings.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteSettings(handles: SqliteHandles): SettingsRepository {
  return {};
}
