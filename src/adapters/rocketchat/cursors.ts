/**
 * The newest message time seen per Rocket.Chat room, kept in the store (chat_cursors) so catch-up
 * after a restart of deskops starts where the last run stopped, not only after a reconnect.
 */
import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../../app/context.js';
import { chatCursors } from '../../store/schema.js';

export interface RoomCursors {
  /** Every room with a cursor: room id -> the newest message time seen there (UTC ms). */
  load(): Map<string, number>;
  /** Moves a room's cursor forward (never back). */
  advance(room: string, seenAt: number): void;
}

export function storedRoomCursors(app: AppContext): RoomCursors {
  const { db } = app.store;
  return {
    load() {
      const rows = db.select().from(chatCursors).where(eq(chatCursors.platform, 'rocketchat')).all();
      return new Map(rows.map((row) => [row.room, row.lastSeenAt.getTime()]));
    },
    advance(room, seenAt) {
      db.insert(chatCursors)
        .values({ platform: 'rocketchat', room, lastSeenAt: new Date(seenAt) })
        .onConflictDoUpdate({
          target: [chatCursors.platform, chatCursors.room],
          set: { lastSeenAt: sql`max(${chatCursors.lastSeenAt}, excluded.last_seen_at)` },
        })
        .run();
    },
  };
}
