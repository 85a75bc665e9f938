/** Macros (saved replies). */
import type { macros, TicketRow } from '../schema.js';

export type MacroRow = typeof macros.$inferSelect;
export type NewMacro = typeof macros.$inferInsert;
/** A macro's changeable columns. */
export type MacroPatch = Partial<Pick<MacroRow, 'body' | 'department' | 'setStatus' | 'holdDays' | 'setPriority' | 'addTags' | 'updatedAt'>>;
/** What a macro's placeholders read of a ticket. */
export type MacroTicket = Pick<TicketRow, 'id' | 'title' | 'requester' | 'requesterPersonId'>;

export interface MacroRepository {
  /** The macro called `name` (lower case), if any. */
  byName(name: string): MacroRow | undefined;
  /** Every macro's name. */
  names(): string[];
  /** Whether a macro is called `name`. */
  nameTaken(name: string): boolean;
  /** Stores a new macro; returns its row. */
  insert(row: NewMacro): MacroRow;
  /** Changes a macro; returns its row as changed. */
  update(id: number, patch: MacroPatch): MacroRow;
  /** Deletes a macro. */
  remove(id: number): void;
  /** Every macro, by name. */
  all(): MacroRow[];
  /** A person's display name, for {requester.name} (undefined when nobody has that id). */
  personName(personId: number): string | undefined;
}
