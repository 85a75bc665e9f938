/** The CommentRepository on SQLite. */
import { eq } from 'drizzle-orm';
import type { CommentRepository } from '../repositories/comments.js';
import { comments } from '../schema.js';
import { preparedStatement, rowReader } from '../prepared.js';
import type { SqliteHandles } from './handles.js';

const commentRows = rowReader(comments);
const commentsOfTicket = preparedStatement(`SELECT ${commentRows.columns} FROM comments WHERE ticket_id = ? ORDER BY id`);

export function sqliteComment(handles: SqliteHandles): CommentRepository {
  const { db } = handles;
  return {
    insert(comment) {
      return db.insert(comments).values(comment).returning().get();
    },
    ofTicket(ticketId) {
      return (commentsOfTicket(handles).raw(true).all(ticketId) as unknown[][]).map(commentRows.decode);
    },
    moveToTicket(fromId, intoId) {
      return db.update(comments).set({ ticketId: intoId }).where(eq(comments.ticketId, fromId)).run().changes;
    },
    setMacro(commentId, macroId) {
      db.update(comments).set({ macroId }).where(eq(comments.id, commentId)).run();
    },
  };
}
