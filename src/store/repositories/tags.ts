/** The tag taxonomy and the tags on tickets. */

/** A taxonomy tag as stored. */
export interface TagRow {
  id: number;
  family: string;
  name: string;
  slug: string;
  retiredAt: Date | null;
}

export interface TagRepository {
  /** The families that have any tag (retired or not), each once. */
  families(): string[];
  /** Whether any tag is in `family` (as stored, lower case). */
  familyExists(family: string): boolean;
  /** Active (not retired) tags, of one family or all, unsorted. */
  active(family?: string): TagRow[];
  /** The tag of `family` with `slug`, retired or not. */
  bySlug(family: string, slug: string): TagRow | undefined;
  /** When the tag of `family` with `slug` was retired (null: active); undefined when there is none. */
  retiredAtOf(family: string, slug: string): { retiredAt: Date | null } | undefined;
  /** The ids of the tags with `slug`, in any family. */
  idsWithSlug(slug: string): number[];
  /** The tags on a ticket, unsorted. */
  ofTicket(ticketId: number): TagRow[];
  /** Puts tags on a ticket (none of them may be there already). */
  attach(ticketId: number, tagIds: readonly number[]): void;
  /** Takes tags off a ticket. */
  detach(ticketId: number, tagIds: readonly number[]): void;
  /** Adds a tag to the taxonomy; returns the stored row. */
  insert(tag: { family: string; name: string; slug: string }): TagRow;
  /** Brings a retired tag back; returns the stored row. */
  restore(tagId: number): TagRow;
  /** Retires a tag as of `at`; returns the stored row. */
  retire(tagId: number, at: Date): TagRow;
  /** How many tickets carry the tag. */
  ticketCount(tagId: number): number;
  /** The `limit` most used tags (outside `excludedFamily`) on tickets opened in [from, to), most used first, then by name. */
  mostUsed(from: Date, to: Date, excludedFamily: string, limit: number): { family: string; name: string; n: number }[];
}
