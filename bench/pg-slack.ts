/**
 * Slack's command round trip on PostgreSQL, one replica and two, beside deskops on SQLite and the
 * bare Bolt app, in one run with the same load: signed `/ticket new | list | show <random id>` in
 * turn (bench/slack.ts's mix), sequential, at a fixed rate and with a fixed number in flight.
 *
 * Every deskops is the real `deskops start` in Slack HTTP mode (a child process, scheduler and
 * delivery running). The data is the seeded SQLite file (bench/seed.ts) and, for PostgreSQL, the same
 * rows copied into one embedded PostgreSQL server (bench/pg-seed.ts) as a template database, each
 * PostgreSQL setup on a copy of its own (CREATE DATABASE … TEMPLATE). Two replicas share one
 * database and take the commands in turn (the load generator alternates between them, as a load
 * balancer would). All setups run at once; each load runs on one and right after on the next, so a
 * busy machine shifts them alike. A setup's loads start once its replicas' catch-up at start has
 * finished (the background thread idle).
 *
 * The replicas do not coordinate their schedulers yet (no leader lock): each runs every job. Jobs
 * are idle at the seeded data, and the round trip does not depend on them.
 */
import pg from 'pg';
import { startBareBolt, startDeskops, type Child } from './child.js';
import { closedLoop, openLoop, sequential, startStandIn, type LoadFigures, type SlackStandIn, type Targets } from './loadgen.js';
import { copySqliteIntoPostgres, type PgCopyFigures } from './pg-seed.js';
import { commandCosts, mix, type CommandCost } from './slack.js';
import { removeCopy, workingCopy, type SeedInfo } from './seed.js';
import { migratePostgres } from '../src/store/pg/migrate.js';
import { startEmbeddedPostgres, withDatabase } from '../test/doubles/embedded-postgres.js';

export interface PgSlackOptions {
  sequential: number;
  rate: number;
  seconds: number;
  concurrency: number;
  closedSeconds: number;
}

export interface SetupRoundTrip {
  name: string;
  replicas: number;
  sequential: LoadFigures;
  fixedRate: LoadFigures;
  closedLoop: LoadFigures;
  /** ms from spawn to the first 200 on /healthz, per replica. */
  readyMs: number[];
  /** The router's time per command kind in this process on the setup's store (single-replica setups that answer; else empty). */
  perCommand: CommandCost[];
  /** Lines logged at error level or worse by its replicas during the run, and the first one's message. */
  errors: { count: number; first?: string };
}

export interface PgSlackBench {
  setups: SetupRoundTrip[];
  copy: PgCopyFigures;
}

/**
 * The server as deskops' SQLite runs (WAL, synchronous=NORMAL): a commit is not flushed to disk
 * before it is acknowledged, but the server stays crash-safe (fsync and full-page writes on).
 */
export const BENCH_PG_SETTINGS = { fsync: 'on', full_page_writes: 'on', synchronous_commit: 'off' };

interface Setup {
  name: string;
  children: Child[];
  answers: boolean;
  tag: string;
  /** The store its replicas run on, as environment variables. */
  env: Record<string, string>;
}

/** pino's JSON lines at level error (50) or fatal (60) in what `children` wrote on stderr. */
function errorsLogged(children: Child[]): { count: number; first?: string } {
  const lines = children.flatMap((child) => child.stderr().split('\n')).filter((line) => /"level":(50|60)\b/.test(line));
  if (lines.length === 0) return { count: 0 };
  const first = JSON.parse(lines[0]!) as { msg?: string; err?: { message?: string } };
  return { count: lines.length, first: `${first.msg ?? ''}${first.err?.message ? `: ${first.err.message}` : ''}`.slice(0, 300) };
}

const targets = (setup: Setup): Targets => (setup.children.length === 1 ? setup.children[0]!.url : setup.children.map((child) => child.url));

interface Lane {
  name: string;
  inFlight: number;
}

/** Resolves once every child's background thread has been idle for `quietMs` (the catch-up at start done). */
async function settled(children: Child[], quietMs = 2_000, timeoutMs = 180_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let quietSince = performance.now();
  while (performance.now() - quietSince < quietMs) {
    if (performance.now() > deadline) throw new Error(`${children.map((c) => c.name).join(', ')}: still busy ${timeoutMs / 1000} s after start`);
    const busy = await Promise.all(
      children.map(async (child) => {
        const health = (await (await fetch(child.url.replace('/slack/events', '/healthz'))).json()) as { engine?: { lanes?: Lane[] } };
        return (health.engine?.lanes ?? []).some((lane) => lane.inFlight > 0);
      }),
    );
    if (busy.some(Boolean)) quietSince = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function drive(setups: Setup[], standIn: SlackStandIn, tickets: number, options: PgSlackOptions): Promise<LoadFigures[][]> {
  const loads: ((s: Setup) => Promise<LoadFigures>)[] = [
    // Warm-up: JIT, statement plans, keep-alive connections, on every replica.
    (s) => closedLoop(targets(s), 4 * s.children.length, 1, mix(`${s.tag}warm`, tickets), standIn, false),
    (s) => sequential(targets(s), options.sequential, mix(`${s.tag}seq`, tickets), standIn, s.answers),
    (s) => openLoop(targets(s), options.rate, options.seconds, mix(`${s.tag}rate`, tickets), standIn, s.answers),
    (s) => closedLoop(targets(s), options.concurrency, options.closedSeconds, mix(`${s.tag}max`, tickets), standIn, s.answers),
  ];
  const results: LoadFigures[][] = setups.map(() => []);
  for (const load of loads) for (const [i, setup] of setups.entries()) results[i]!.push(await load(setup));
  return results;
}

/** The four setups on `seed`'s data (SQLite file copied, PostgreSQL filled from it), driven alike. */
export async function benchPgSlackRoundTrip(seed: SeedInfo, options: PgSlackOptions, log: (line: string) => void = () => {}): Promise<PgSlackBench> {
  const server = await startEmbeddedPostgres({ password: 'bench', folderPrefix: 'deskops-bench-pg-', settings: BENCH_PG_SETTINGS });
  const standIn = await startStandIn();
  const sqlitePath = workingCopy(seed, `pgslack-sqlite-${process.pid}`);
  const children: Child[] = [];
  try {
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    let copy: PgCopyFigures;
    try {
      await admin.query('CREATE DATABASE deskops_seed');
      const seedUrl = withDatabase(server.adminUrl, 'deskops_seed');
      await migratePostgres(seedUrl);
      copy = await copySqliteIntoPostgres(seed.path, seedUrl, log);
      // FILE_COPY: the template's files copied as they are, no WAL written for them.
      for (const name of ['deskops_one', 'deskops_two']) await admin.query(`CREATE DATABASE ${name} TEMPLATE deskops_seed STRATEGY FILE_COPY`);
    } finally {
      await admin.end();
    }
    const pgEnv = (database: string) => ({ DESKOPS_DATABASE_URL: withDatabase(server.adminUrl, database) });
    const spawn = async (dbPath: string, env: Record<string, string>, name: string) => {
      const child = await startDeskops(dbPath, standIn.apiUrl, env, [], undefined, name);
      children.push(child);
      return child;
    };
    // One at a time, each settled before the next starts, so no start-up meets another's catch-up.
    const unused = `${sqlitePath}.unused-on-postgres.db`;
    const setups: Setup[] = [];
    const add = async (name: string, tag: string, env: Record<string, string>, starts: (() => Promise<Child>)[], answers = true) => {
      const started: Child[] = [];
      for (const start of starts) started.push(await start());
      await settled(started);
      setups.push({ name, children: started, answers, tag, env });
    };
    await add('deskops, SQLite', 's', { DESKOPS_DB: sqlitePath }, [() => spawn(sqlitePath, {}, 'deskops on SQLite')]);
    await add('deskops, PostgreSQL', 'p', pgEnv('deskops_one'), [() => spawn(unused, pgEnv('deskops_one'), 'deskops on PostgreSQL')]);
    await add('deskops, PostgreSQL x2', 'q', pgEnv('deskops_two'), [() => spawn(unused, pgEnv('deskops_two'), 'replica 1'), () => spawn(unused, pgEnv('deskops_two'), 'replica 2')]);
    await add('bare Bolt', 'b', {}, [async () => {
      const child = await startBareBolt(standIn.apiUrl);
      children.push(child);
      return child;
    }], false);
    const results = await drive(setups, standIn, seed.tickets, options);
    await Promise.all(children.map((child) => child.stop()));
    const figures: SetupRoundTrip[] = [];
    for (const [i, setup] of setups.entries()) {
      const [, seq, rate, max] = results[i]!;
      // After the children stopped: the in-process commands meet no load.
      const perCommand = setup.answers && setup.children.length === 1 ? await commandCosts({ ...setup.env, DESKOPS_DB: setup.env.DESKOPS_DB ?? unused }, seed.tickets, 50) : [];
      figures.push({ name: setup.name, replicas: setup.children.length, sequential: seq!, fixedRate: rate!, closedLoop: max!, readyMs: setup.children.map((c) => c.readyMs), perCommand, errors: errorsLogged(setup.children) });
    }
    return { copy, setups: figures };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await standIn.close();
    await server.stop();
    removeCopy(sqlitePath);
  }
}
