/**
 * /ticket search over the seeded million tickets (and their comments) through the real use case
 * (FTS5 MATCH, bm25 rank, snippet, the ticket rows), with three kinds of query: a customer and a
 * topic word, an error code, and two common topic words (each matching tens of thousands).
 */
import { SettableClock } from '../src/clock.js';
import { searchTickets } from '../src/app/search.js';
import type { RequestContext } from '../src/app/context.js';
import { openStore } from '../src/store/database.js';
import { percentile } from './loadgen.js';
import { seededRandom } from '../test/doubles/random.js';
import { ORGS, SEED_ZONE } from './seed.js';

export interface SearchFigures {
  kinds: { kind: string; runs: number; p50Ms: number; p99Ms: number; maxMs: number; hitsP50: number }[];
  allP99Ms: number;
}

const TOPIC = ['login', 'sso', 'invoice', 'vat', 'android', 'push', 'import', 'csv', 'video', 'password', 'export', 'proxy'];

export function benchSearch(dbPath: string, runs: number): SearchFigures {
  const store = openStore(dbPath);
  const ctx: RequestContext = {
    clock: new SettableClock(),
    store,
    settings: { timeZone: SEED_ZONE, defaultDepartment: 'paid', admins: [], staffRules: [], pageSize: 10 },
    actor: { kind: 'system', job: 'bench' },
    origin: { platform: 'shell', channel: null, thread: null },
  };
  const random = seededRandom(4242);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const queries: Record<string, () => string> = {
    'customer + topic word': () => `${pick(ORGS)} ${pick(TOPIC)}`,
    'error code': () => `E${1000 + Math.floor(random() * 9000)}`,
    'two common words': () => `${pick(TOPIC)} ${pick(TOPIC)}`,
  };
  try {
    // Warm the page cache the way a running bot has it.
    for (let i = 0; i < 20; i++) searchTickets(ctx, { words: queries['two common words']!() });
    const all: number[] = [];
    const kinds = Object.entries(queries).map(([kind, make]) => {
      const times: number[] = [];
      const hits: number[] = [];
      for (let i = 0; i < runs; i++) {
        const words = make();
        const started = performance.now();
        const result = searchTickets(ctx, { words });
        times.push(performance.now() - started);
        hits.push(result.hits.length);
      }
      all.push(...times);
      return { kind, runs, p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99), maxMs: Math.max(...times), hitsP50: percentile(hits, 0.5) };
    });
    return { kinds, allP99Ms: percentile(all, 0.99) };
  } finally {
    store.close();
  }
}
