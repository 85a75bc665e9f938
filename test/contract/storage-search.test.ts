/**
 * The SearchRepository on SQLite (FTS5, bm25) and PostgreSQL (GIN over tsvector, ts_rank): the same
 * documents for the same words and filters, best first where the ranking is clear-cut, the newest
 * RANK_WINDOW matches ranked when nothing filters, and the same snippets (src/store/pg/search.ts says
 * where the engines differ).
 */
import type { InferInsertModel } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { SearchDocument, SearchRepository } from '../../src/store/repositories/search.js';
import { pgSearch, RANK_WINDOW } from '../../src/store/pg/search.js';
import type { PgStore } from '../../src/store/pg/store.js';
import * as schema from '../../src/store/schema.js';
import type { Store } from '../../src/store/database.js';
import { RANK_WINDOW as SQLITE_RANK_WINDOW } from '../../src/store/sqlite/search.js';
import { seedBoth } from '../doubles/seed-engines.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const AT = new Date('2026-03-02T09:00:00.123Z');
const at = (minutes: number) => new Date(AT.getTime() + minutes * 60_000);

type Status = InferInsertModel<typeof schema.tickets>['status'];

function ticket(title: string, description: string, extra: { status?: Status; requester?: string | null; requesterPersonId?: number | null } = {}, minutes = 0) {
  return { title, description, department: 'paid' as const, createdAt: at(minutes), updatedAt: at(minutes), tierEnteredAt: at(minutes), statusChangedAt: at(minutes), ...extra };
}

function seed(sqliteStore: Store, pgStore: PgStore): void {
  seedBoth({ sqliteStore, pgStore }, schema.people, [{ displayName: 'Ada', createdAt: AT }]);
  seedBoth({ sqliteStore, pgStore }, schema.tickets, [
    ticket('Export fails', 'The CSV export fails since Monday', { requester: 'ada@example.com', requesterPersonId: null }), // 1: doc 2
    ticket('Login loop', 'SSO login loops back to the login page', { status: 'pending', requester: '@bob', requesterPersonId: 1 }), // 2: doc 4
    ticket('Invoice missing', 'No invoice for March', { status: 'closed', requester: '@cy' }), // 3: doc 6
    ticket('Café menu', 'The café page shows errors', { requester: '@ada' }), // 4: doc 8
    ticket('Printer', 'Paper jam in the printer on floor two; we tried restarting it, cleaning the rollers and replacing the tray, and the jam came back every morning before nine, so the printer is unusable now', { requester: '@ada' }), // 5: doc 10
  ]);
  seedBoth({ sqliteStore, pgStore }, schema.comments, [
    { ticketId: 1, visibility: 'public', body: 'We exported it again and the export worked', authorLabel: 'Ada', createdAt: at(1) }, // doc 3
    { ticketId: 2, visibility: 'internal', body: 'Looks like SSO misconfigured', authorLabel: 'Ada', createdAt: at(2) }, // doc 5
    { ticketId: 3, visibility: 'public', body: 'Invoice resent', authorLabel: 'Ada', createdAt: at(3) }, // doc 7
    { ticketId: 2, visibility: 'internal', body: 'export export export', authorLabel: 'Ada', createdAt: at(4) }, // doc 9
    { ticketId: 4, visibility: 'public', body: 'Cafe is open again', authorLabel: 'Ada', createdAt: at(5) }, // doc 11
    {
      ticketId: 5,
      visibility: 'internal',
      body: 'We called the vendor twice this week about the device on the second floor, and after a long wait the technician finally replaced the worn fuser unit; the toner was fine. Printing works again, but keep an eye on it.',
      authorLabel: 'Ada',
      createdAt: at(6),
    }, // doc 13
  ]);
  seedBoth({ sqliteStore, pgStore }, schema.tags, [
    { family: 'product', name: 'Billing', slug: 'billing-contract' },
    { family: 'product', name: 'Auth', slug: 'auth-contract' },
  ]);
  seedBoth({ sqliteStore, pgStore }, schema.ticketTags, [
    { ticketId: 3, tagId: 1 },
    { ticketId: 1, tagId: 1 },
    { ticketId: 2, tagId: 2 },
  ]);
}

const docs = (found: SearchDocument[] | undefined) => found?.map((d) => `${d.docId}:${d.ticketId}:${d.kind}`);
const sorted = (found: SearchDocument[] | undefined) => docs(found)?.sort();

/** The same searches on either engine's repository; what each answered. */
function steps(repo: SearchRepository): Record<string, unknown> {
  const seen: Record<string, unknown> = {};
  // Best first where the ranking is clear-cut on both engines.
  seen.exportFails = docs(repo.bestDocuments(['export', 'fails'], {}, 10));
  seen.login = docs(repo.bestDocuments(['login'], {}, 10));
  seen.invoice = docs(repo.bestDocuments(['invoice'], {}, 10));
  seen.cafe = docs(repo.bestDocuments(['cafe'], {}, 10));
  seen.cafeAccent = docs(repo.bestDocuments(['café'], {}, 10));
  seen.printer = docs(repo.bestDocuments(['printer'], {}, 10));
  seen.none = docs(repo.bestDocuments(['zebra'], {}, 10));
  seen.notEveryTerm = docs(repo.bestDocuments(['export', 'zebra'], {}, 10));
  seen.exportOpen = docs(repo.bestDocuments(['export'], { status: 'open' }, 10));
  seen.exportPending = docs(repo.bestDocuments(['export'], { status: 'pending' }, 10));
  seen.byRequesterText = docs(repo.bestDocuments(['export'], { requester: { text: 'ada@example.com', personId: null } }, 10));
  seen.byRequesterPerson = docs(repo.bestDocuments(['export'], { requester: { text: 'someone', personId: 1 } }, 10));
  seen.byRequesterPersonOrText = sorted(repo.bestDocuments(['export'], { requester: { text: 'ada@example.com', personId: 1 } }, 10));
  seen.byTag = docs(repo.bestDocuments(['export'], { tagIds: [1] }, 10));
  seen.byTagNone = docs(repo.bestDocuments(['export'], { tagIds: [] }, 10));
  seen.invoiceTagClosed = docs(repo.bestDocuments(['invoice'], { tagIds: [1, 2], status: 'closed' }, 10));
  seen.invoiceOpen = docs(repo.bestDocuments(['invoice'], { status: 'open' }, 10));
  seen.invoiceOne = docs(repo.bestDocuments(['invoice'], {}, 1));
  // Where bm25 and ts_rank disagree on the order (see pg/search.ts), the same documents.
  seen.exportSet = sorted(repo.bestDocuments(['export'], {}, 10));
  seen.exportCount = repo.bestDocuments(['export'], {}, 2)?.length;

  // Snippets of texts of 16 words or fewer: the whole text, matches in bold.
  seen.snippets = [...repo.snippets(['export'], [2, 3, 9, 4, 99]).entries()];
  seen.snippetsTwoTerms = [...repo.snippets(['sso', 'login'], [4, 5]).entries()];
  seen.snippetsPlainCafe = [...repo.snippets(['cafe'], [11, 99]).entries()];
  // Longer texts: FTS5's window of 16 tokens, at the start when the match fits, else around it.
  seen.snippetsJam = [...repo.snippets(['jam'], [10, 99]).entries()];
  seen.snippetsFuser = [...repo.snippets(['fuser'], [13, 99]).entries()];
  seen.snippetsEnd = [...repo.snippets(['eye'], [13, 99]).entries()];
  seen.snippetsTwoFar = [...repo.snippets(['vendor', 'printing'], [13, 99]).entries()];
  seen.snippetsPrinter = [...repo.snippets(['printer'], [10, 99]).entries()];
  seen.snippetsCafeAccent = [...repo.snippets(['cafe'], [8, 11]).entries()];
  seen.snippetsNone = [...repo.snippets(['zebra'], [2, 3]).entries()];
  seen.snippetsNoIds = [...repo.snippets(['export'], []).entries()];
  // One id asked, only its snippet answered (SQLite's FTS5 once answered every match for one id).
  seen.snippetsOneId = [...repo.snippets(['invoice'], [6]).entries()];
  seen.snippetsOneMissing = [...repo.snippets(['invoice'], [99]).entries()];

  seen.tickets = repo
    .ticketsByIds([3, 1, 99])
    .map((t) => [t.id, t.title, t.status, t.requester, t.requesterPersonId, t.createdAt.toISOString(), t.holdUntil])
    .sort();
  seen.ticketsNone = repo.ticketsByIds([]);
  return seen;
}

describe('the search repository on SQLite and PostgreSQL', () => {
  it('finds the same documents for the same words and filters', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    seed(sqliteStore, pgStore);
    const onSqlite = steps(sqliteStore.search);
    const onPg = steps(pgSearch(pgStore));
    expect(onPg).toEqual(onSqlite);

    expect(onSqlite.exportSet).toEqual(['2:1:ticket', '3:1:public', '9:2:internal']);
    expect(onSqlite.exportCount).toBe(2);
    expect(onSqlite.invoice).toEqual(['6:3:ticket', '7:3:public']);
    expect(onSqlite.cafeAccent).toEqual(['8:4:ticket', '11:4:public']);
    expect(onSqlite.notEveryTerm).toEqual([]);
    expect(onSqlite.exportPending).toEqual(['9:2:internal']);
    expect(onSqlite.byRequesterPersonOrText).toEqual(['2:1:ticket', '3:1:public', '9:2:internal']);
    expect(onSqlite.byTagNone).toEqual([]);
    expect(onSqlite.invoiceOpen).toEqual([]);
    expect(onSqlite.snippets).toEqual([
      [2, '*Export* fails'],
      [3, 'We *exported* it again and the *export* worked'],
      [9, '*export* *export* *export*'],
    ]);
    expect(onSqlite.snippetsOneId).toEqual([[6, '*Invoice* missing']]);
    expect(onSqlite.snippetsOneMissing).toEqual([]);
    expect(onSqlite.snippetsJam).toEqual([[10, 'Paper *jam* in the printer on floor two; we tried restarting it, cleaning the rollers and…']]);
    // The description's window from its start beats the one-word title (FTS5's sentence bonus).
    expect(onSqlite.snippetsPrinter).toEqual([[10, 'Paper jam in the *printer* on floor two; we tried restarting it, cleaning the rollers and…']]);
    expect(onSqlite.snippetsEnd).toEqual([[13, '…Printing works again, but keep an *eye* on it.']]);
    expect(onSqlite.snippetsCafeAccent).toEqual([
      [8, '*Café* menu'],
      [11, '*Cafe* is open again'],
    ]);
    // Document 5 holds "sso" without "login": not a match, no snippet.
    expect(onSqlite.snippetsTwoTerms).toEqual([[4, '*SSO* *login* loops back to the *login* page']]);
  });

  it('ranks only the newest RANK_WINDOW matches when nothing filters, every match when something does', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    expect(RANK_WINDOW).toBe(SQLITE_RANK_WINDOW);
    // The best match is the oldest document: outside the window of the newest RANK_WINDOW.
    const rows = [ticket('Zebra zebra', 'zebra', {}, 0), ...Array.from({ length: RANK_WINDOW }, (_, i) => ticket(`Ticket ${i}`, `a long description that mentions a zebra once among many other words number ${i}`, {}, 1))];
    seedBoth({ sqliteStore, pgStore }, schema.tickets, rows);
    const answers = (repo: SearchRepository) => {
      const unfiltered = repo.bestDocuments(['zebra'], {}, RANK_WINDOW + 10)!;
      const filtered = repo.bestDocuments(['zebra'], { status: 'open' }, RANK_WINDOW + 10)!;
      return { unfiltered: unfiltered.length, oldestUnfiltered: unfiltered.some((d) => d.docId === 2), filtered: filtered.length, bestFiltered: filtered[0], top: docs(repo.bestDocuments(['zebra'], { status: 'open' }, 1)) };
    };
    const onSqlite = answers(sqliteStore.search);
    const onPg = answers(pgSearch(pgStore));
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite).toEqual({ unfiltered: RANK_WINDOW, oldestUnfiltered: false, filtered: RANK_WINDOW + 1, bestFiltered: { docId: 2, ticketId: 1, kind: 'ticket' }, top: ['2:1:ticket'] });
  });
});
