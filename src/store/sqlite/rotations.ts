/** The RotationRepository on SQLite. */
import type { RotationRepository } from '../repositories/rotations.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteRotation(handles: SqliteHandles): RotationRepository {
  return {};
}
