/**
 * The newest message time seen per Rocket.Chat room, kept in the store (chat_cursors, through the
 * engine) so catch-up after a restart of deskops starts where the last run stopped, not only after
 * a reconnect.
 */
import type { EnginePort } from '../../engine/port.js';

export interface RoomCursors {
  /** Every room with a cursor: room id -> the newest message time seen there (UTC ms). */
  load(): Promise<Map<string, number>>;
  /** Moves a room's cursor forward (never back). */
  advance(room: string, seenAt: number): Promise<void>;
}

export function storedRoomCursors(engine: Pick<EnginePort, 'roomCursors' | 'advanceRoomCursor'>): RoomCursors {
  return {
    load: () => engine.roomCursors('rocketchat'),
    advance: (room, seenAt) => engine.advanceRoomCursor('rocketchat', room, new Date(seenAt)),
  };
}
