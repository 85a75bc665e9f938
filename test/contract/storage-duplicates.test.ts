/** The DuplicateAnswerRepository answers the same on SQLite and PostgreSQL (src/store/sqlite/duplicates.ts, src/store/pg/duplicates.ts). */
import { describe, expect, it } from 'vitest';
import type { DuplicateAnswerRepository } from '../../src/store/repositories/duplicates.js';
import { pgDuplicateAnswer } from '../../src/store/pg/duplicates.js';
import { comments, tickets } from '../../src/store/schema.js';
import { pgSeed, sqliteSeed } from '../doubles/seed-engines.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();
const day = (n: number) => new Date(Date.UTC(2026, 2, n, 9, 0, 0, 123));

const ticketRows = [1, 2, 3].map((n) => ({ title: `Ticket ${n}`, department: 'paid' as const, createdAt: day(1), updatedAt: day(1), tierEnteredAt: day(1), statusChangedAt: day(1) }));
// Comments 1..6: ticket, day.
const commentRows = (
  [
    [1, 2],
    [1, 3],
    [2, 4],
    [3, 5],
    [2, 6],
    [3, 7],
  ] as const
).map(([ticketId, d], i) => ({ ticketId, visibility: 'public' as const, body: `Reply ${i + 1}`, authorLabel: `agent${i % 2}`, authorId: null, createdAt: day(d) }));

function terms(entries: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(entries));
}

function steps(repo: DuplicateAnswerRepository, seed: () => void): unknown[] {
  const seen: unknown[] = [];
  seen.push(repo.firstCommentId(), repo.firstCommentIdSince(day(1)), repo.commentsAfter(0, 10), repo.indexedReplyCount(), repo.repliesWithTermCount('refund'));
  seed();
  const indexed = [
    repo.indexReply({ commentId: 1, ticketId: 1, createdAt: day(2) }, terms({ refund: 0.5, invoice: 1.25, zeta: 3 })),
    repo.indexReply({ commentId: 2, ticketId: 1, createdAt: day(3) }, terms({ refund: 2 })),
    repo.indexReply({ commentId: 3, ticketId: 2, createdAt: day(4) }, terms({ refund: 1, export: 0.1 })),
    repo.indexReply({ commentId: 4, ticketId: 3, createdAt: day(5) }, terms({ refund: 1, invoice: 1 })),
    repo.indexReply({ commentId: 5, ticketId: 2, createdAt: day(6) }, terms({})),
    repo.indexReply({ commentId: 1, ticketId: 1, createdAt: day(2) }, terms({ refund: 9, again: 1 })),
  ];
  seen.push(indexed);
  seen.push(repo.indexedReplyCount(), repo.repliesWithTermCount('refund'), repo.repliesWithTermCount('invoice'), repo.repliesWithTermCount('again'), repo.repliesWithTermCount('nothing'));
  seen.push(repo.recentRepliesWithTerm('refund', day(1), 1), repo.recentRepliesWithTerm('refund', day(4), 9), repo.recentRepliesWithTerm('invoice', day(1), 3), repo.recentRepliesWithTerm('nothing', day(1), 1));
  seen.push(repo.signatureOf(1), repo.signatureOf(5), repo.signatureOf(6));
  seen.push(repo.clusterOfAny([1, 3]));
  const first = repo.createCluster(day(8), [
    { commentId: 1, ticketId: 1 },
    { commentId: 3, ticketId: 2 },
  ]);
  const second = repo.createCluster(day(9), [{ commentId: 4, ticketId: 3 }]);
  const third = repo.createCluster(day(10), [{ commentId: 2, ticketId: 1 }]);
  seen.push([first, second, third]);
  repo.joinCluster({ clusterId: first, commentId: 5, ticketId: 2 });
  repo.joinCluster({ clusterId: second, commentId: 5, ticketId: 2 });
  seen.push(repo.clusterOfAny([5, 4]), repo.clusterOfAny([4, 5]), repo.clusterOfAny([6]), repo.clusterOfAny([]));
  seen.push(repo.clusterMembers(first), repo.clusterMembers(second), repo.clusterMembers(99));
  repo.decideCluster(second, { state: 'macro', decidedBy: null, decidedAt: day(11) });
  repo.decideCluster(third, { state: 'dismissed', decidedBy: null, decidedAt: day(12) });
  seen.push(repo.clustersByState(), repo.clustersByState('suggested'), repo.clustersByState('macro'), repo.clustersByState('doc'));
  seen.push(repo.clusterById(first), repo.clusterById(third), repo.clusterById(99));
  seen.push(repo.firstCommentId(), repo.firstCommentIdSince(day(4)), repo.firstCommentIdSince(day(30)));
  seen.push(repo.commentsAfter(2, 3), repo.commentsAfter(6, 3), repo.commentsAfter(0, 1));
  return seen;
}

describe('the duplicate-answer index on SQLite and PostgreSQL', () => {
  it('indexes replies, counts terms, finds recent replies and keeps clusters alike', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    const onSqlite = steps(sqliteStore.duplicates, () => {
      const seed = sqliteSeed(sqliteStore);
      seed(tickets, ticketRows);
      seed(comments, commentRows);
    });
    const onPg = steps(pgDuplicateAnswer(pgStore), () => {
      const seed = pgSeed(pgStore);
      seed(tickets, ticketRows);
      seed(comments, commentRows);
    });
    expect(onPg).toEqual(onSqlite);

    expect(onSqlite.slice(0, 5)).toEqual([null, null, [], 0, 0]);
    expect(onSqlite[26]).toEqual([]);
    expect(onSqlite[31]).toMatchObject({ id: 1, state: 'suggested', decidedAt: null, createdAt: day(8) });
    expect(onSqlite[32]).toMatchObject({ id: 3, state: 'dismissed', decidedAt: day(12) });
    expect(onSqlite[5]).toEqual([true, true, true, true, true, false]);
    expect(onSqlite.slice(6, 11)).toEqual([5, 4, 2, 0, 0]);
    expect(onSqlite[11]).toEqual([
      { commentId: 4, ticketId: 3 },
      { commentId: 3, ticketId: 2 },
    ]);
    expect(onSqlite[12]).toEqual([
      { commentId: 4, ticketId: 3 },
      { commentId: 3, ticketId: 2 },
    ]);
    expect(onSqlite[13]).toEqual([{ commentId: 1, ticketId: 1 }]);
    expect(onSqlite[14]).toEqual([]);
    expect(onSqlite[15]).toEqual({ commentId: 1, ticketId: 1, terms: terms({ refund: 0.5, invoice: 1.25, zeta: 3 }) });
    expect(onSqlite[16]).toEqual({ commentId: 5, ticketId: 2, terms: new Map() });
    expect(onSqlite[17]).toBeUndefined();
    expect(onSqlite[18]).toBeUndefined();
    expect(onSqlite[19]).toEqual([1, 2, 3]);
    // The lowest of the comments given that is in a cluster decides (comment 4: cluster 2; 5 stayed in cluster 1).
    expect(onSqlite.slice(20, 24)).toEqual([2, 2, undefined, undefined]);
    expect((onSqlite[24] as Array<{ commentId: number }>).map((m) => m.commentId)).toEqual([1, 3, 5]);
    expect((onSqlite[27] as Array<{ id: number; state: string }>).map((c) => [c.id, c.state])).toEqual([
      [3, 'dismissed'],
      [2, 'macro'],
      [1, 'suggested'],
    ]);
    expect(onSqlite.slice(34, 37)).toEqual([1, 3, null]);
    expect((onSqlite[37] as Array<{ id: number }>).map((c) => c.id)).toEqual([3, 4, 5]);
  });
});
