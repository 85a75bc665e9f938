/** The CommentRepository on PostgreSQL: src/store/sqlite/comments.ts ported (its prepared statement is a builder query here). */
import { asc, eq } from 'drizzle-orm';
import type { CommentRepository } from '../repositories/comments.js';
import { comments } from './schema.js';
import { all, get, run } from './session.js';
import type { PgHandles } from './handles.js';

export function pgComment(handles: PgHandles): CommentRepository {
  const { db } = handles;
  return {
    insert(comment) {
      return get(db.insert(comments).values(comment).returning())!;
    },
    ofTicket(ticketId) {
      return all(db.select().from(comments).where(eq(comments.ticketId, ticketId)).orderBy(asc(comments.id)));
    },
    moveToTicket(fromId, intoId) {
      return run(db.update(comments).set({ ticketId: intoId }).where(eq(comments.ticketId, fromId))).changes;
    },
    setMacro(commentId, macroId) {
      run(db.update(comments).set({ macroId }).where(eq(comments.id, commentId)));
    },
  };
}
