/**
 * `npm run bench`: runs every benchmark and prints its figures with the machine they ran on.
 * Every comparison is to a baseline measured in the same run. Sizes shrink with environment
 * variables: BENCH_BIG_TICKETS (the seeded database, 1,000,000), BENCH_SLACK_SECONDS (10),
 * BENCH_SLACK_RATE (200), BENCH_SLACK_LOW_RATE (100, for 5 s), BENCH_SLACK_SEQUENTIAL (300),
 * BENCH_SLACK_CONCURRENCY (32), BENCH_SLACK_MAX_SECONDS (5), BENCH_SLACK_HOG (1: the fixed rate
 * and the closed loop again with a busy process per core; 0 skips it), BENCH_STARTUP_RUNS (3),
 * BENCH_DIGEST_RUNS (3), BENCH_TICKETS (store, 20,000), BENCH_SWEEP_SIZES (10000,100000,1000000),
 * BENCH_LOOP_RATE (20 commands/s beside the catch-up),
 * BENCH_ONLY (comma list of: slack (with memory), loop (event-loop delay while the catch-up's jobs
 * run), digest, startup, search, store, sla, duplicates, mail, pgslack (the Slack round trip on
 * PostgreSQL, one and two replicas, beside SQLite and bare Bolt), pgstore (the store bench on
 * PostgreSQL against raw node-postgres), pgbridge, copydb),
 * BENCH_PG_TICKETS (pgslack's seeded data, 100,000; it uses the BENCH_SLACK_SEQUENTIAL, _RATE,
 * _SECONDS, _CONCURRENCY and _MAX_SECONDS loads), BENCH_PG_STORE_TICKETS (pgstore, 3,000),
 * BENCH_MAIL_IN (inbound mails, 500), BENCH_MAIL_OUT (outbound mails, 500),
 * BENCH_COPY_TICKETS (the seeded install copy-db copies, 100,000), BENCH_PG_READS (point reads, 5,000), BENCH_PG_TRANSACTIONS (ten-statement transactions, 1,000),
 * BENCH_SEARCH_RUNS (200 per kind of query), BENCH_DUP_STORED (100,000), BENCH_DUP_CHECKS (500),
 * BENCH_SLACK_COMPARE_ROOT (another checkout whose deskops runs beside this one's, for an A/B
 * of a change, printed as "compared"). The seeded database is
 * cached in BENCH_CACHE_DIR (default <tmpdir>/deskops-bench).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { benchDigest } from './digest.js';
import { benchEventLoop } from './event-loop.js';
import { allJobs } from '../src/jobs/index.js';
import { benchDuplicates } from './duplicates.js';
import { benchMail } from './mail.js';
import { benchCopyDb } from './copy-db.js';
import { benchPgBridge } from './pg-bridge.js';
import { benchPgSlackRoundTrip, type SetupRoundTrip } from './pg-slack.js';
import { benchPgStore } from './pg-store.js';
import { benchSearch } from './search.js';
import type { LoadFigures } from './loadgen.js';
import { removeCopy, seedBigDatabase, workingCopy } from './seed.js';
import { benchSweep } from './sla.js';
import { benchSlackRoundTrip, type AppRoundTrip } from './slack.js';
import { benchStartup } from './startup.js';
import { benchStore } from './store.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const wanted = (name: string) => !only || only.includes(name);
const n = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (Number.isNaN(value) ? '—' : value < 10 ? value.toFixed(1) : n(value));
const failures = (f: LoadFigures) => `${f.failed}${f.failures ? ` (${f.failures})` : ''}${f.unanswered ? ` (${f.unanswered} unanswered)` : ''}${f.apologised ? ` (${f.apologised} apologies)` : ''}`;
const began = performance.now();

const machine = `${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`deskops benchmarks on ${machine} (load average at start ${loadavg()[0]!.toFixed(1)})\n`);

const bigTickets = env('BENCH_BIG_TICKETS', 1_000_000);
const needsBig = ['slack', 'loop', 'digest', 'startup', 'search'].some(wanted);
const seed = needsBig ? seedBigDatabase(bigTickets, (line) => console.log(line)) : undefined;
const dbPath = seed ? workingCopy(seed, `run-${process.pid}`) : undefined;
if (seed) {
  const rows = Object.entries(seed.rows)
    .map(([table, count]) => `${table} ${n(count)}`)
    .join(', ');
  console.log(`Seeded database: ${n(seed.tickets)} tickets, ${n(seed.bytes / 2 ** 20)} MiB (${seed.cached ? 'cached; seeding took' : 'seeded in'} ${seed.seedSeconds.toFixed(0)} s)`);
  console.log(`  ${rows}\n`);
}

try {
  if (seed && dbPath && wanted('slack')) {
    const options = {
      sequential: env('BENCH_SLACK_SEQUENTIAL', 300),
      rate: env('BENCH_SLACK_RATE', 200),
      lowRate: env('BENCH_SLACK_LOW_RATE', 100),
      seconds: env('BENCH_SLACK_SECONDS', 10),
      concurrency: env('BENCH_SLACK_CONCURRENCY', 32),
      closedSeconds: env('BENCH_SLACK_MAX_SECONDS', 5),
      hog: env('BENCH_SLACK_HOG', 1) !== 0,
      ...(process.env.BENCH_SLACK_COMPARE_ROOT ? { compareRoot: process.env.BENCH_SLACK_COMPARE_ROOT } : {}),
    };
    console.log(
      `Slack round trip, HTTP mode, signed /ticket new | list | show <random id> in turn, ${n(seed.tickets)} tickets; app in a child process, load from this one`,
    );
    const slack = await benchSlackRoundTrip(dbPath, seed.tickets, options);
    const loads: [string, (f: AppRoundTrip) => LoadFigures][] = [
      [`sequential (${options.sequential})`, (f) => f.sequential],
      [`${options.lowRate}/s for 5 s`, (f) => f.lowRate],
      [`${options.rate}/s for ${options.seconds} s`, (f) => f.fixedRate],
      [`${options.concurrency} in flight, ${options.closedSeconds} s`, (f) => f.closedLoop],
    ];
    console.log(`  ${'app'.padEnd(9)} ${'load'.padEnd(22)} ${'ack p50'.padStart(8)} ${'ack p99'.padStart(8)} ${'ack max'.padStart(8)} ${'answer p50'.padStart(10)} ${'answer p99'.padStart(10)} ${'acks/s'.padStart(7)}  failed`);
    const apps: [string, AppRoundTrip][] = [['deskops', slack.deskops], ['bare Bolt', slack.bare]];
    if (slack.compare) apps.push(['compared', slack.compare]);
    const row = (app: string, load: string, f: LoadFigures) =>
      console.log(
        `  ${app.padEnd(9)} ${load.padEnd(22)} ${ms(f.ackP50Ms).padStart(8)} ${ms(f.ackP99Ms).padStart(8)} ${ms(f.ackMaxMs).padStart(8)} ${ms(f.answerP50Ms).padStart(10)} ${ms(f.answerP99Ms).padStart(10)} ${n(f.perSecond).padStart(7)}  ${failures(f)}`,
      );
    for (const [app, figures] of apps) for (const [load, pick] of loads) row(app, load, pick(figures));
    const hog = slack.deskops.hog && slack.bare.hog ? { deskops: slack.deskops.hog, bare: slack.bare.hog } : undefined;
    if (hog) {
      console.log(`  with a CPU hog beside both apps (${hog.deskops.processes} busy processes, one per core):`);
      for (const [app, figures] of apps) {
        if (!figures.hog) continue;
        row(app, `${options.rate}/s for ${options.seconds} s`, figures.hog.fixedRate);
        row(app, `${options.concurrency} in flight, ${options.closedSeconds} s`, figures.hog.closedLoop);
      }
    }
    const seqRatio = slack.deskops.sequential.ackP99Ms / slack.bare.sequential.ackP99Ms;
    const rateRatio = slack.deskops.fixedRate.ackP99Ms / slack.bare.fixedRate.ackP99Ms;
    const verdict = (met: boolean) => (met ? 'met' : 'missed');
    console.log(`  ack p99 deskops / bare: sequential ${seqRatio.toFixed(1)}, at ${options.rate}/s ${rateRatio.toFixed(1)} (target <= 2: ${verdict(rateRatio <= 2)})`);
    if (hog) {
      const hogRatio = hog.deskops.fixedRate.ackP99Ms / hog.bare.fixedRate.ackP99Ms;
      console.log(`  ack p99 deskops / bare with the CPU hog, at ${options.rate}/s: ${hogRatio.toFixed(1)} (target <= 2: ${verdict(hogRatio <= 2)})`);
    }
    const worstAck = Math.max(slack.deskops.fixedRate.ackMaxMs, hog?.deskops.fixedRate.ackMaxMs ?? 0);
    console.log(`  ack p99 at ${options.rate}/s: ${ms(slack.deskops.fixedRate.ackP99Ms)} ms quiet${hog ? `, ${ms(hog.deskops.fixedRate.ackP99Ms)} ms with the hog` : ''}; slowest ack ${ms(worstAck)} ms (never over 1 s: ${verdict(worstAck <= 1000)})`);
    const sustained = slack.deskops.closedLoop;
    const answersRatio = sustained.answeredPerSecond / slack.bare.closedLoop.perSecond;
    console.log(
      `  sustained (${options.concurrency} in flight): deskops ${n(sustained.perSecond)} acks/s and ${n(sustained.answeredPerSecond)} answers/s, bare ${n(slack.bare.closedLoop.perSecond)} acks/s; ratio of answers to bare acks ${answersRatio.toFixed(2)} (target >= 0.5: ${verdict(answersRatio >= 0.5)})`,
    );
    if (hog) console.log(`    with the CPU hog: deskops ${n(hog.deskops.closedLoop.answeredPerSecond)} answers/s, bare ${n(hog.bare.closedLoop.perSecond)} acks/s; ratio ${(hog.deskops.closedLoop.answeredPerSecond / hog.bare.closedLoop.perSecond).toFixed(2)}`);
    console.log(`  engine time per command in-process on the same data (what the engine's commands thread does for each):`);
    console.log(`    ${slack.perCommand.map((c) => `${c.kind} p50 ${ms(c.p50Ms)} ms / p99 ${ms(c.p99Ms)} ms`).join(', ')}`);
    const jobs = slack.jobsDuringLoad.filter((j) => j.ms >= 50);
    if (slack.compare) console.log(`  compared: deskops from ${options.compareRoot}, on its own copy of the data, each load right after this checkout's`);
    if (jobs.length > 0) console.log(`  jobs that ran during the loads (on the engine's background thread): ${jobs.map((j) => `${j.job} ${n(j.ms)} ms`).join(', ')}`);
    console.log(`  deskops child ready ${n(slack.deskopsReadyMs)} ms after spawn\n`);

    console.log(`Memory: resident set size (MiB) of the Slack round trip's children, HTTP mode, ${n(seed.tickets)} tickets, deskops with its scheduler`);
    for (const m of [slack.deskops.memory, slack.bare.memory]) {
      console.log(`  ${m.app.padEnd(10)} after start ${n(m.afterStartMiB).padStart(5)}   after ${n(m.commands)} commands ${n(m.afterBurstMiB).padStart(5)}   peak ${n(m.peakMiB).padStart(5)}`);
    }
    console.log(`  deskops / bare Bolt after the commands: ${(slack.deskops.memory.afterBurstMiB / slack.bare.memory.afterBurstMiB).toFixed(1)}, peak ${(slack.deskops.memory.peakMiB / slack.bare.memory.peakMiB).toFixed(1)}`);
    console.log(`  deskops after the commands: ${n(slack.deskops.memory.afterBurstMiB)} MiB (target < 200 MiB: ${slack.deskops.memory.afterBurstMiB < 200 ? 'met' : 'missed'})\n`);
  }

  if (seed && wanted('loop')) {
    // A pristine copy: the catch-up at start must find the busy week's digest not queued yet.
    const loopPath = workingCopy(seed, `loop-${process.pid}`);
    try {
      const rate = env('BENCH_LOOP_RATE', 20);
      const f = await benchEventLoop(loopPath, seed.busyWeek, allJobs().map((job) => job.name), seed.tickets, rate);
      console.log(`Event-loop delay of the running bot while its catch-up runs every job (the digest of a ${n(Object.values(seed.busyWeekEvents).reduce((a, b) => a + b, 0))}-event week among them), ${rate} commands/s beside it`);
      console.log(`  I/O thread: p50 ${ms(f.p50Ms)} ms  p99 ${ms(f.p99Ms)} ms  max ${ms(f.maxMs)} ms over ${f.seconds.toFixed(1)} s (targets p99 < 20 ms: ${f.p99Ms < 20 ? 'met' : 'missed'}, max < 100 ms: ${f.maxMs < 100 ? 'met' : 'missed'})`);
      console.log(`  on the engine's background thread: ${f.jobs.slice(0, 6).map((j) => `${j.job} ${n(j.ms)} ms`).join(', ')}${f.digestQueued ? '' : ' (the digest was NOT queued: check the seed)'}`);
      console.log(`  commands meanwhile: ${n(f.answered)} of ${n(f.commands)} answered, ack p99 at most ${ms(f.ackP99Ms)} ms\n`);
    } finally {
      removeCopy(loopPath);
    }
  }

  if (seed && dbPath && wanted('digest')) {
    const d = benchDigest(dbPath, seed, env('BENCH_DIGEST_RUNS', 3));
    const events = Object.entries(d.events);
    const total = events.reduce((sum, [, count]) => sum + count, 0);
    console.log(`Weekly digest of the week of ${d.week}: ${n(total)} events (${events.map(([kind, count]) => `${n(count)} ${kind}`).join(', ')}), ${n(seed.tickets)} tickets`);
    console.log(`  gather + build (weeklyDigest)   ${ms(d.gatherMs).padStart(7)} ms  (median of ${d.runs}; first run ${ms(d.firstGatherMs)} ms)`);
    console.log(`  render (Reply, Block Kit, text) ${ms(d.renderMs).padStart(7)} ms`);
    console.log(`  raw SQL reading the week once   ${ms(d.rawMs).padStart(7)} ms  ratio digest / raw ${(d.gatherMs / d.rawMs).toFixed(1)}`);
    console.log(`  two of its queries, raw: tickets opened by tier ${ms(d.openedByTierMs)} ms, top tags ${ms(d.topTagsMs)} ms\n`);
  }

  if (seed && dbPath && wanted('search')) {
    const f = benchSearch(dbPath, env('BENCH_SEARCH_RUNS', 200));
    console.log(`Search (/ticket search, FTS5 with bm25 rank and snippets) over ${n(seed.tickets)} tickets and their comments`);
    for (const k of f.kinds) console.log(`  ${k.kind.padEnd(24)} p50 ${ms(k.p50Ms).padStart(6)} ms  p99 ${ms(k.p99Ms).padStart(6)} ms  max ${ms(k.maxMs).padStart(6)} ms  (${k.runs} searches, ${k.hitsP50} tickets shown at the median)`);
    console.log(`  all searches p99 ${ms(f.allP99Ms)} ms (target < 50 ms: ${f.allP99Ms < 50 ? 'met' : 'missed'})\n`);
  }

  if (seed && dbPath && wanted('startup')) {
    const startup = await benchStartup(dbPath, seed.tickets, env('BENCH_STARTUP_RUNS', 3));
    console.log(`Start-up, spawn to the first 200 on /healthz (median of the starts shown)`);
    for (const s of startup.apps) console.log(`  ${s.app.padEnd(34)} ${ms(s.readyMs).padStart(6)} ms  (${s.runs} starts, fastest ${ms(s.minMs)} ms; "listening" log line at ${ms(s.listeningMs)} ms)`);
    const [node, bolt, deskops] = startup.apps;
    if (node && bolt && deskops) console.log(`  deskops / bare Bolt ${(deskops.readyMs / bolt.readyMs).toFixed(1)}, bare Bolt / node -e ${(bolt.readyMs / node.readyMs).toFixed(1)}`);
    console.log(`  scheduler catch-up at start, per job: ${startup.catchUpJobs.map((j) => `${j.job} ${n(j.ms)} ms`).join(', ')}\n`);
  }
} finally {
  if (dbPath) removeCopy(dbPath);
}

if (wanted('store')) {
  const count = env('BENCH_TICKETS', 20_000);
  console.log(`Store (${n(count)} tickets, WAL, one transaction per ticket)`);
  for (const [name, value] of Object.entries(benchStore(count))) {
    console.log(`  ${name.padEnd(38)} ${value < 10 ? value.toFixed(2) : n(value)}`);
  }
  console.log('');
}

if (wanted('sla')) {
  const sizes = (process.env.BENCH_SWEEP_SIZES ?? '10000,100000,1000000').split(',').map(Number);
  const due = 100;
  console.log(`SLA sweep and ladder tick (${due} clocks and 10 escalations due; the rest not yet)`);
  console.log(`  ${'open tickets'.padStart(12)}  ${'sweep ms'.padStart(9)}  ${'queued'.padStart(6)}  ${'ladder ms'.padStart(9)}`);
  for (const open of sizes) {
    const f = benchSweep(open, due);
    console.log(`  ${open.toLocaleString('en-US').padStart(12)}  ${f.sweepMs.toFixed(1).padStart(9)}  ${String(f.queued).padStart(6)}  ${f.ladderMs.toFixed(1).padStart(9)}  (${f.ladderDue} escalations advanced)`);
  }
  console.log('');
}

if (wanted('duplicates')) {
  const f = await benchDuplicates(env('BENCH_DUP_STORED', 100_000), env('BENCH_DUP_CHECKS', 500));
  console.log(`Duplicate-answer detector: a new hand-written reply checked against ${n(f.stored)} stored replies (indexed in ${f.indexSeconds.toFixed(1)} s)`);
  console.log(`  checkReply p50 ${ms(f.p50Ms)} ms  p99 ${ms(f.p99Ms)} ms  max ${ms(f.maxMs)} ms  (${f.checks} replies, ${n(f.twinsFound)} near-duplicates found; target p99 < 20 ms: ${f.p99Ms < 20 ? 'met' : 'missed'})\n`);
}

if (wanted('mail')) {
  const f = await benchMail(env('BENCH_MAIL_IN', 500), env('BENCH_MAIL_OUT', 500));
  console.log(`Email, over loopback SMTP (nodemailer, pooled)`);
  console.log(`  inbound mail -> ticket through the SMTP listener (${n(f.inbound.mails)} mails, one at a time, time to the 250)`);
  console.log(`    deskops listener   p50 ${ms(f.inbound.p50Ms).padStart(6)} ms  p99 ${ms(f.inbound.p99Ms).padStart(6)} ms`);
  console.log(`    bare smtp-server   p50 ${ms(f.inbound.bareP50Ms).padStart(6)} ms  p99 ${ms(f.inbound.bareP99Ms).padStart(6)} ms  (reads the mail, stores nothing)`);
  console.log(`  outbound public replies through the email sink (${n(f.outbound.mails)} mails, ${f.outbound.inFlight} channels in flight)`);
  console.log(`    deskops sink       ${n(f.outbound.perSecond).padStart(6)} mails/s`);
  console.log(`    nodemailer alone   ${n(f.outbound.barePerSecond).padStart(6)} mails/s  ratio ${(f.outbound.perSecond / f.outbound.barePerSecond).toFixed(2)}\n`);
}

if (wanted('pgslack')) {
  const tickets = env('BENCH_PG_TICKETS', 100_000);
  const options = {
    sequential: env('BENCH_SLACK_SEQUENTIAL', 300),
    rate: env('BENCH_SLACK_RATE', 200),
    seconds: env('BENCH_SLACK_SECONDS', 10),
    concurrency: env('BENCH_SLACK_CONCURRENCY', 32),
    closedSeconds: env('BENCH_SLACK_MAX_SECONDS', 5),
  };
  const pgSeed = seedBigDatabase(tickets, (line) => console.log(line));
  const f = await benchPgSlackRoundTrip(pgSeed, options, (line) => console.log(line));
  console.log(`Slack round trip on PostgreSQL: the same signed /ticket new | list | show <random id> in turn, ${n(tickets)} tickets (the seeded SQLite file, and its ${n(f.copy.rows)} rows copied into embedded PostgreSQL in ${f.copy.seconds.toFixed(0)} s)`);
  console.log(`  ${'setup'.padEnd(24)} ${'load'.padEnd(22)} ${'ack p50'.padStart(8)} ${'ack p99'.padStart(8)} ${'ack max'.padStart(8)} ${'answer p50'.padStart(10)} ${'answer p99'.padStart(10)} ${'acks/s'.padStart(7)} ${'answers/s'.padStart(9)}  failed`);
  const loads: [string, (s: SetupRoundTrip) => LoadFigures][] = [
    [`sequential (${options.sequential})`, (s) => s.sequential],
    [`${options.rate}/s for ${options.seconds} s`, (s) => s.fixedRate],
    [`${options.concurrency} in flight, ${options.closedSeconds} s`, (s) => s.closedLoop],
  ];
  for (const setup of f.setups) {
    for (const [load, pick] of loads) {
      const l = pick(setup);
      console.log(
        `  ${setup.name.padEnd(24)} ${load.padEnd(22)} ${ms(l.ackP50Ms).padStart(8)} ${ms(l.ackP99Ms).padStart(8)} ${ms(l.ackMaxMs).padStart(8)} ${ms(l.answerP50Ms).padStart(10)} ${ms(l.answerP99Ms).padStart(10)} ${n(l.perSecond).padStart(7)} ${(Number.isNaN(l.answeredPerSecond) ? '—' : n(l.answeredPerSecond)).padStart(9)}  ${failures(l)}`,
      );
    }
  }
  const bare = f.setups.find((s) => s.name === 'bare Bolt');
  if (bare) {
    const ratios = f.setups
      .filter((s) => s !== bare)
      .map((s) => `${s.name} ${(s.fixedRate.ackP99Ms / bare.fixedRate.ackP99Ms).toFixed(1)}× / ${(s.closedLoop.answeredPerSecond / bare.closedLoop.perSecond).toFixed(2)}`);
    console.log(`  against bare Bolt, ack p99 at ${options.rate}/s / answers per bare ack at ${options.concurrency} in flight: ${ratios.join('; ')}`);
  }
  console.log(`  engine time per command in-process on each store afterwards: ${f.setups.filter((s) => s.perCommand.length > 0).map((s) => `${s.name}: ${s.perCommand.map((c) => `${c.kind} p50 ${ms(c.p50Ms)} / p99 ${ms(c.p99Ms)} ms`).join(', ')}`).join('; ')}`);
  for (const setup of f.setups) if (setup.errors.count > 0) console.log(`  ${setup.name}: ${setup.errors.count} errors logged, the first: ${setup.errors.first}`);
  console.log(`  replicas ready ${f.setups.map((s) => `${s.name} ${s.readyMs.map((r) => n(r)).join(' + ')} ms`).join(', ')}\n`);
}

if (wanted('pgstore')) {
  const f = await benchPgStore(env('BENCH_PG_STORE_TICKETS', 3_000));
  console.log(`Store on PostgreSQL (${n(f.creates)} tickets, embedded PostgreSQL on loopback, one transaction per ticket; raw: node-postgres awaited, the same statements)`);
  for (const [name, value] of Object.entries(f.figures)) console.log(`  ${name.padEnd(38)} ${value < 10 ? value.toFixed(2) : n(value)}`);
  const s = f.statements;
  console.log(`  statements per create: use case ${s.create}, raw ${s.rawCreate}; per card read: use case ${s.card}, raw ${s.rawCard} (BEGIN and COMMIT included)`);
  const verdict = (ratio: number) => (ratio >= 0.5 ? 'met' : 'missed');
  console.log(
    `  target ≥ 0.5 of raw: create writing the same rows ${verdict(f.figures['create ratio, same rows (use case / raw)']!)}, against raw writing the ticket and audit rows only ${verdict(f.figures['create ratio (use case / raw)']!)}, card read ${verdict(f.figures['read ratio (use case / raw)']!)}\n`,
  );
}

if (wanted('pgbridge')) {
  const f = await benchPgBridge(env('BENCH_PG_READS', 5_000), env('BENCH_PG_TRANSACTIONS', 1_000));
  console.log('PostgreSQL through the synchronous bridge (embedded PostgreSQL on loopback; a thread owns the connection, the caller waits with Atomics.wait)');
  console.log(`  point read by key (${n(f.reads)})              awaited ${ms(f.readUs.direct).padStart(6)} µs  bridged ${ms(f.readUs.bridged).padStart(6)} µs  +${ms(f.readUs.bridged - f.readUs.direct)} µs per statement`);
  console.log(`  transaction of 10 statements (${n(f.transactions)})  awaited ${ms(f.transactionUs.direct).padStart(6)} µs  bridged ${ms(f.transactionUs.bridged).padStart(6)} µs  ratio ${(f.transactionUs.bridged / f.transactionUs.direct).toFixed(2)}\n`);
}

if (wanted('copydb')) {
  const tickets = env('BENCH_COPY_TICKETS', 100_000);
  const f = await benchCopyDb(seedBigDatabase(tickets, (line) => console.log(line)));
  console.log(`deskops copy-db: the ${n(tickets)}-ticket install into embedded PostgreSQL on loopback, verified (counts and checksums per table)`);
  console.log(`  ${n(f.rows)} rows in ${f.seconds.toFixed(0)} s, ${n(f.rows / f.seconds)} rows/s${f.committed ? '' : ' (NOT committed: a table differed)'}\n`);
}

console.log(`Done in ${((performance.now() - began) / 1000).toFixed(0)} s (load average now ${loadavg()[0]!.toFixed(1)}).`);
