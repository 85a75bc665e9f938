/**
 * The CommentRepository holds the same promises on SQLite and PostgreSQL: the same steps through
 * `sqliteStore.comments` and `pgComment(pgStore)` give the same answers.
 */
import { describe, expect, it } from 'vitest';
import * as sqliteSchema from '../../src/store/schema.js';
import { pgComment } from '../../src/store/pg/comments.js';
import { pgTicket } from '../../src/store/pg/tickets.js';
import type { CommentRepository } from '../../src/store/repositories/comments.js';
import type { TicketRepository } from '../../src/store/repositories/tickets.js';
import { pgSeed, sqliteSeed, type Seed } from '../doubles/seed-engines.js';
import { useStorageEngines, type BothStores } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000 + 3);

function sides({ sqliteStore, pgStore }: BothStores): Array<{ repo: CommentRepository; tickets: TicketRepository; seed: Seed }> {
  return [
    { repo: sqliteStore.comments, tickets: sqliteStore.tickets, seed: sqliteSeed(sqliteStore) },
    { repo: pgComment(pgStore), tickets: pgTicket(pgStore), seed: pgSeed(pgStore) },
  ];
}

describe('the comment repository on SQLite and PostgreSQL', () => {
  it('stores, lists, moves and marks comments alike', async () => {
    const answers = sides(await engines.open()).map(({ repo, tickets, seed }) => {
      seed(sqliteSchema.people, [{ displayName: 'Ada', isStaff: true, createdAt: at(0) }]);
      for (let i = 0; i < 3; i += 1) tickets.insert({ title: 'T', department: 'paid', createdAt: at(0), updatedAt: at(0), tierEnteredAt: at(0), statusChangedAt: at(0) });
      const inserted = [
        repo.insert({ ticketId: 1, visibility: 'public', body: 'Hello', authorId: 1, authorLabel: 'Ada', createdAt: at(5) }),
        repo.insert({ ticketId: 2, visibility: 'internal', body: 'Note', authorLabel: 'system', createdAt: at(1) }),
        // Created earlier than the first but stored after it: the timeline is in the order stored.
        repo.insert({ ticketId: 1, visibility: 'internal', body: 'Earlier', authorId: 1, authorLabel: 'Ada', createdAt: at(2) }),
        repo.insert({ ticketId: 2, visibility: 'public', body: 'Reply', authorLabel: 'Bo', createdAt: at(3), macroId: 7 }),
      ];
      repo.setMacro(inserted[0]!.id, 12);
      repo.setMacro(999, 12);
      const before = [1, 2, 3].map((id) => repo.ofTicket(id));
      const moved = repo.moveToTicket(2, 1);
      const none = repo.moveToTicket(2, 3);
      return { inserted, before, moved, none, after: [1, 2, 3].map((id) => repo.ofTicket(id)) };
    });
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite!.inserted[1]).toEqual({ id: 2, ticketId: 2, visibility: 'internal', body: 'Note', authorId: null, authorLabel: 'system', macroId: null, createdAt: at(1) });
    expect(onSqlite!.before[0]!.map((c) => [c.id, c.macroId])).toEqual([
      [1, 12],
      [3, null],
    ]);
    expect(onSqlite!.moved).toBe(2);
    expect(onSqlite!.none).toBe(0);
    expect(onSqlite!.after.map((list) => list.map((c) => c.id))).toEqual([[1, 2, 3, 4], [], []]);
  });
});
