/**
 * The duplicate-answer detector's cost per new reply with 100,000 hand-written replies stored:
 * checkReply (find the candidates through the inverted index, score them, index the new reply,
 * join or start a cluster) in a transaction of its own, as the job runs it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettableClock } from '../src/clock.js';
import { checkReply, indexReply } from '../src/app/duplicate-answers.js';
import type { AppContext } from '../src/app/context.js';
import { answerTerms } from '../src/domain/answer-similarity.js';
import { openStore } from '../src/store/database.js';
import { startBackgroundCheckpoints } from '../src/store/checkpointer.js';
import pino from 'pino';
import { percentile } from './loadgen.js';
import { seededRandom } from '../test/doubles/random.js';
import { ANSWER_PAIRS } from '../test/fixtures/answer-pairs.js';

export interface DuplicateFigures {
  stored: number;
  indexSeconds: number;
  checks: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  twinsFound: number;
}

const FILLER = ['quickly', 'today', 'on the admin side', 'for your workspace', 'as discussed', 'in the new version', 'for the EU cluster', 'on mobile', 'for this user', 'after the update'];
const ENTITIES = Array.from({ length: 5_000 }, (_, i) => `ws-${(i * 7919) % 100_000}`);

export async function benchDuplicates(stored: number, checks: number): Promise<DuplicateFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-bench-dup-'));
  const store = openStore(join(dir, 'dup.db'));
  // Only the detector's tables are filled; the replies' comment and ticket rows are not needed for its cost.
  store.sqlite.pragma('foreign_keys = OFF');
  const now = new Date('2026-11-23T10:00:00Z');
  const ctx: AppContext = { clock: new SettableClock(undefined, now), store, settings: { timeZone: 'UTC', defaultDepartment: 'paid', admins: [], staffRules: [], pageSize: 10 } };
  const random = seededRandom(2026);
  const answers = [...new Set(ANSWER_PAIRS.flatMap((p) => [p.a, p.b]))];
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  /** An answer of the labelled set with a workspace name and filler, so replies differ like real ones. */
  const reply = () => `${pick(answers)} (${pick(ENTITIES)}, ${pick(FILLER)})`;
  try {
    const started = performance.now();
    store.transaction(() => {
      for (let id = 1; id <= stored; id++) {
        const createdAt = new Date(now.getTime() - Math.floor(random() * 29 * 24 * 3_600_000));
        indexReply(ctx, { id, ticketId: id, createdAt }, answerTerms(reply()));
      }
    });
    const indexSeconds = (performance.now() - started) / 1000;
    // As in a running bot: WAL checkpoints happen on a worker thread, not inside the job's commits.
    const checkpoints = startBackgroundCheckpoints(store, pino({ level: 'silent' }));
    const times: number[] = [];
    let twinsFound = 0;
    for (let i = 0; i < checks; i++) {
      const body = reply();
      const comment = { id: stored + 1 + i, ticketId: stored + 1 + i, visibility: 'public' as const, body, authorId: 1, authorLabel: '@agent', macroId: null, createdAt: now };
      const t0 = performance.now();
      const outcome = store.transaction(() => checkReply(ctx, comment));
      times.push(performance.now() - t0);
      twinsFound += outcome.twins.length;
    }
    await checkpoints.stop();
    return { stored, indexSeconds, checks, p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99), maxMs: Math.max(...times), twinsFound };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

