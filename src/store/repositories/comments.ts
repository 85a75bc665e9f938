/** Comments on tickets (public replies and internal notes) and where they came from. */
import type { comments } from '../schema.js';

/** A comment as stored. */
export type CommentRow = typeof comments.$inferSelect;
/** A comment to store (its id is assigned). */
export type NewCommentRow = typeof comments.$inferInsert;

export interface CommentRepository {
  /** Stores a comment; returns the stored row. */
  insert(comment: NewCommentRow): CommentRow;
  /** A ticket's timeline, oldest first. */
  ofTicket(ticketId: number): CommentRow[];
  /** Moves every comment of ticket `fromId` to ticket `intoId` (a merge); returns how many moved. */
  moveToTicket(fromId: number, intoId: number): number;
  /** Marks a comment as written from a macro. */
  setMacro(commentId: number, macroId: number): void;
}
