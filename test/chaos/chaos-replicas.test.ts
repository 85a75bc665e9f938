/**
 * Chaos on PostgreSQL with three replicas: three real `deskops start` processes (Slack HTTP mode)
 * on one embedded PostgreSQL, behind a round-robin load balancer that retries a failed request on
 * another replica as Slack would. Signed `/ticket new` commands arrive all the time; on-call
 * escalations (half of them major, paged at once; the others paged after the one-minute
 * acknowledgement window, then called a minute later) make pages and calls fall due during the
 * run. Each round picks, from a seeded PRNG, one of: SIGKILL the scheduler's leader (from
 * GET /healthz, or a random replica while no replica reports one), SIGKILL the next replica seen
 * delivering (a Slack post or a page reaching the stand-ins, whose answers are held back a little,
 * so the kill lands between "delivered" and "marked sent"), or nothing; a killed replica starts
 * again at once. Once, mid-run, PostgreSQL itself is stopped and started again.
 *
 * After a quiet period: every acknowledged command's effect is stored exactly once, every page,
 * call and notification reached its destination exactly once (see the webhook check for the one
 * allowed repeat), every page went out within 30 s of its due instant, the replicas that lived
 * through the PostgreSQL restart served commands again, and no replica exited or logged an error
 * the test did not cause.
 *
 * DESKOPS_CHAOS_SEED repeats a run (the seed is printed); DESKOPS_CHAOS_ROUNDS sets the rounds
 * (100); DESKOPS_CHAOS_DEBUG prints each round.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { TEST_STAFF_RULES } from '../doubles/deskops.js';
import { startSlackWorkspace } from '../doubles/fault-slack.js';
import { startPageReceiver, type PagePost } from '../doubles/page-receiver.js';
import { usePostgres } from '../doubles/postgres.js';
import { seededRandom } from '../doubles/random.js';
import { postSlack, slackBalancer, startReplicaSet, type Incarnation, type ReplicaSet } from '../doubles/replicas.js';
import { slashCommandBody } from '../doubles/slack-requests.js';

const postgres = usePostgres();

const ROUNDS = Number(process.env.DESKOPS_CHAOS_ROUNDS ?? 100);
const SEED = Number(process.env.DESKOPS_CHAOS_SEED ?? Date.now() % 1_000_000);
const DEBUG = Boolean(process.env.DESKOPS_CHAOS_DEBUG);
const REPLICAS = 3;
const SECRET = 'chaos-secret';
/** A round lasts this long (ms), plus whatever its action waits for. */
const ROUND_MS = { min: 400, max: 1100 };
/** The issue's bound: a page goes out within 30 s of its due instant, failover or not. */
const PAGE_BOUND_MS = 30_000;
/** Escalations: one every other round over the first part of the run, so their calls (2 min later) fall due early in the quiet period. */
const ESCALATIONS = 14;
const ESCALATE_EVERY = 2;
/** The ladder timing set for the run (minutes), the shortest the policy allows. */
const ACK_MINUTES = 1;
const CALL_MINUTES = 1;
/** Command senders in parallel, each pausing up to PAUSE_MS between commands. */
const SENDERS = 2;
const PAUSE_MS = 250;
/** How long the quiet period may take to drain everything before the checks (the last call falls due about two minutes after the last escalation). */
const DRAIN_MS = 150_000;
/** Slack channels the logical channels are mapped to. */
const CHANNELS = { triage: 'C0TRIAGE', oncall: 'C0ONCALL', helpdesk: 'C0HELPDESK', 'support-dev': 'C0SUPDEV', leads: 'C0LEADS' } as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const iso = (ms: number) => new Date(ms).toISOString().slice(11, 23);

interface Event {
  at: number;
  what: string;
}

interface Command {
  trigger: string;
  text: string;
  acknowledged: boolean;
  /** The replica that answered 200, and when. */
  replica?: number;
  ackedAt?: number;
  failures: string[];
}

/** At most `max` entries of a failure list, and how many more there were: a run can find hundreds. */
function firstOf(list: readonly string[], max = 12): string[] {
  return list.length <= max ? [...list] : [...list.slice(0, max), `…and ${list.length - max} more`];
}

/** A replica's log line at error level or above, read back; non-JSON lines (a fatal message on exit) too. */
interface ErrorLine {
  replica: number;
  life: number;
  at: number;
  message: string;
}

/** Whether a /healthz report says its replica runs the scheduler (`replica.leadsScheduler`); undefined when it does not say. */
function leadsScheduler(report: Record<string, unknown> | undefined): boolean | undefined {
  const replica = report?.replica as { leadsScheduler?: unknown } | undefined;
  return typeof replica?.leadsScheduler === 'boolean' ? replica.leadsScheduler : undefined;
}

function errorLinesOf(life: Incarnation): ErrorLine[] {
  return logLinesOf(life, 50);
}

function infoLinesOf(life: Incarnation): ErrorLine[] {
  return logLinesOf(life, 30);
}

function warningLinesOf(life: Incarnation): ErrorLine[] {
  return logLinesOf(life, 40);
}

function logLinesOf(life: Incarnation, level: number): ErrorLine[] {
  return life.process
    .stderr()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      if (!line.startsWith('{')) return [{ replica: life.replica, life: life.number, at: life.exitedAt ?? Date.now(), message: line.slice(0, 300) }];
      try {
        const entry = JSON.parse(line) as { level?: number; time?: number; msg?: string; err?: { message?: string } };
        if ((entry.level ?? 0) < level) return [];
        return [{ replica: life.replica, life: life.number, at: entry.time ?? 0, message: `${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`.slice(0, 300) }];
      } catch {
        return [{ replica: life.replica, life: life.number, at: life.exitedAt ?? Date.now(), message: line.slice(0, 300) }];
      }
    });
}

describe('three replicas on one PostgreSQL, under chaos', () => {
  it(`keeps every acknowledged command and sends every page, call and notification once, pages on time (${ROUNDS} rounds)`, async (context) => {
    const notRestartable = postgres.notRestartable();
    if (notRestartable) context.skip(`needs an embedded PostgreSQL it can stop and start: ${notRestartable}`);
    console.info(`chaos-replicas: seed ${SEED} (DESKOPS_CHAOS_SEED=${SEED} repeats the run), ${ROUNDS} rounds`);
    const random = seededRandom(SEED);
    const started = Date.now();
    const events: Event[] = [];
    const note = (what: string) => {
      events.push({ at: Date.now(), what });
      if (DEBUG) console.info(`${iso(Date.now())} ${what}`);
    };

    const url = await postgres.freshDatabase();
    const cleanups: Array<() => Promise<void> | void> = [];
    onTestFinished(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });
    const workspace = await startSlackWorkspace();
    cleanups.push(() => workspace.close());
    const pages = await startPageReceiver();
    cleanups.push(() => pages.close());
    // Most answers come back a little after the stand-ins stored the post: the window a kill aims at.
    workspace.answerDelayMs = () => Math.floor(random() * 40);
    pages.answerDelayMs = () => Math.floor(random() * 40);

    // Restarts wait while the test has PostgreSQL down (a replica cannot start without its database; a supervisor would retry).
    let databaseBack: Promise<void> | undefined;
    const replicas: ReplicaSet = await startReplicaSet({
      count: REPLICAS,
      cleanups,
      env: (replica) => ({
        DESKOPS_DATABASE_URL: url,
        DESKOPS_DB: '/nonexistent/deskops.db',
        DESKOPS_REPLICA_ID: `r${replica}`,
        // Each replica its own token and webhook path, so the stand-ins know who delivered.
        SLACK_BOT_TOKEN: `xoxb-chaos-r${replica}`,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: workspace.api.url,
        SLACK_BOT_ID: 'BBOT',
        SLACK_BOT_USER_ID: 'UBOT',
        DESKOPS_PAGE_WEBHOOK: `${pages.url}/r${replica}`,
        DESKOPS_LOG_LEVEL: 'info',
        DESKOPS_STAFF: TEST_STAFF_RULES,
        DESKOPS_ADMINS: 'slack:U0ALICE',
        DESKOPS_COMMAND_LIMIT: 'off',
        DESKOPS_TICKET_LIMIT: 'off',
      }),
    });
    replicas.mayStart = () => databaseBack ?? Promise.resolve();
    await replicas.startAll(90_000);
    note(`replicas up after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const sendSlack = slackBalancer(replicas, { secret: SECRET });
    const commands: Command[] = [];
    let counter = 0;
    const command = async (text: string, slash = '/ticket'): Promise<Command> => {
      const trigger = `t${(counter += 1)}`;
      const body = slashCommandBody({ command: slash, text, trigger_id: trigger, user_id: 'U0ALICE', user_name: 'alice', response_url: `${workspace.api.url}response/${trigger}` });
      const delivery = await sendSlack(body);
      const sent: Command = {
        trigger,
        text: `${slash} ${text}`,
        acknowledged: delivery.acknowledged,
        ...(delivery.replica === undefined ? {} : { replica: delivery.replica, ackedAt: Date.now() }),
        failures: delivery.failures,
      };
      commands.push(sent);
      return sent;
    };
    const answerTo = (trigger: string) =>
      workspace.api
        .callsTo(`response/${trigger}`)
        .map((call) => JSON.stringify(call.args))
        .join('\n');

    // The test's own reads; its connection meets PostgreSQL's restart too, so a failed read drops it and the next connects again.
    let reader: pg.Client | undefined;
    const query = async <T extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> => {
      if (!reader) {
        const fresh = new pg.Client({ connectionString: url });
        fresh.on('error', () => undefined);
        await fresh.connect();
        reader = fresh;
      }
      try {
        return (await reader.query<T>(text, values)).rows;
      } catch (error) {
        await reader.end().catch(() => undefined);
        reader = undefined;
        throw error;
      }
    };
    cleanups.push(async () => void (await reader?.end().catch(() => undefined)));

    // The team as a lead sets it up: channels, a rotation, the shortest ladder; then the tickets to escalate.
    const setup = [
      ...Object.entries(CHANNELS).map(([logical, id]) => ['/channel', `set ${logical} slack:${id}`]),
      ['/oncall', 'rotation set <@U0BOB|bob> <@U0CAROL|carol>'],
      ['/oncall', `ladder ack:${ACK_MINUTES} call:${CALL_MINUTES}`],
      ...Array.from({ length: ESCALATIONS }, (_, n) => ['/ticket', `new "oncall target ${n}" priority:high`]),
    ] as const;
    for (const [slash, text] of setup) {
      const sent = await command(text, slash);
      if (!sent.acknowledged) throw new Error(`setup command ${slash} ${text} not acknowledged: ${sent.failures.join('; ')}`);
    }
    const targets = await query<{ id: number; title: string }>(`select id, title from tickets where title like 'oncall target %' order by id`);
    expect(targets).toHaveLength(ESCALATIONS);
    note(`set up after ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // Who delivered: a Slack post names its replica by token, a page by its path.
    const replicaOfToken = (token: string | undefined) => (token?.startsWith('xoxb-chaos-r') ? Number(token.slice('xoxb-chaos-r'.length)) : undefined);
    const replicaOfPath = (path: string) => (/^\/r(\d+)$/.test(path) ? Number(path.slice(2)) : undefined);
    let trap: { armedAt: number; round: number } | undefined;
    const kills: Array<{ at: number; replica: number; why: string; round: number }> = [];
    const kill = (replica: number, why: string, round: number) => {
      // Never the last replica standing: the run is about failover, not about a dead service.
      if (!replicas.up().includes(replica) || replicas.up().length < 2) return false;
      kills.push({ at: Date.now(), replica, why, round });
      note(`round ${round}: SIGKILL replica ${replica} (${why})`);
      void replicas.kill(replica);
      return true;
    };
    const delivering = (replica: number | undefined, what: string) => {
      if (!trap || replica === undefined) return;
      const armed = trap;
      if (kill(replica, `delivering: ${what}`, armed.round)) trap = undefined;
    };
    workspace.faults = (call) => {
      delivering(replicaOfToken(call.token), `chat.postMessage to ${String(call.args.channel)}`);
      return undefined;
    };
    pages.onPost = (post: PagePost) => delivering(replicaOfPath(post.path), `page ${post.idempotencyKey}`);

    /** Every sample of /healthz taken: how many replicas said they lead at that moment. */
    const leaderSamples: Array<{ at: number; leaders: number[] }> = [];
    const leaderOf = async (): Promise<{ leader: number | undefined; reported: boolean }> => {
      const reports = await Promise.all(replicas.up().map(async (replica) => ({ replica, answer: await replicas.health(replica, 1500) })));
      const said = reports.map(({ replica, answer }) => ({ replica, leads: leadsScheduler(answer?.report) }));
      const reported = said.some((entry) => entry.leads !== undefined);
      const leaders = said.filter((entry) => entry.leads === true).map((entry) => entry.replica);
      if (reported) leaderSamples.push({ at: Date.now(), leaders });
      return { leader: leaders[0], reported };
    };

    // Commands all along the run.
    let chaos = true;
    const senders = Array.from({ length: SENDERS }, async (_, lane) => {
      for (let n = 0; chaos; n++) {
        await command(`new "chaos l${lane} n${n}"`);
        await sleep(Math.floor(random() * PAUSE_MS));
      }
    });
    const escalations: Array<{ ticketId: number; major: boolean; command: Promise<Command> }> = [];
    const restartRound = Math.floor(ROUNDS * (0.4 + random() * 0.2));
    let restart: { stoppedAt: number; startedAt: number; probes: Array<{ replica: number; servedAfterMs: number | null; failures: string[] }> } | undefined;
    let leaderReported = false;
    let leaderKills = 0;

    for (let round = 0; round < ROUNDS; round++) {
      if (round % ESCALATE_EVERY === 0 && escalations.length < ESCALATIONS) {
        const n = escalations.length;
        const major = n % 2 === 1;
        escalations.push({ ticketId: targets[n]!.id, major, command: command(`${targets[n]!.id} to:oncall${major ? ' major' : ''} chaos escalation ${n}`, '/escalate') });
      }
      if (round === restartRound) {
        // PostgreSQL goes away for a few seconds under everything; replicas must reconnect. No kill
        // while it is down or probed, so each probe's replica is the one that lived through it.
        trap = undefined;
        const downMs = 2000 + Math.floor(random() * 2000);
        let back!: () => void;
        databaseBack = new Promise((resolve) => (back = resolve));
        const through = replicas.up();
        const stoppedAt = Date.now();
        note(`round ${round}: PostgreSQL stopping for ${downMs} ms; up: ${through.join(',')}`);
        await postgres.stop();
        await sleep(downMs);
        await postgres.start();
        const startedAt = Date.now();
        note(`round ${round}: PostgreSQL started again`);
        back();
        databaseBack = undefined;
        // Each replica that lived through the restart serves a command of its own again.
        const probes = await Promise.all(
          through.map(async (replica) => {
            const failures: string[] = [];
            const deadline = Date.now() + 20_000;
            while (Date.now() < deadline) {
              const trigger = `probe-r${replica}-${Date.now()}`;
              const body = slashCommandBody({ command: '/ticket', text: `new "probe after restart r${replica}"`, trigger_id: trigger, user_id: 'U0ALICE', response_url: `${workspace.api.url}response/${trigger}` });
              try {
                const status = await postSlack(replicas, replica, body, { secret: SECRET });
                if (status === 200) {
                  const stored = await query<{ n: string }>(`select count(*) as n from tickets where title = $1`, [`probe after restart r${replica}`]).catch(() => [{ n: '0' }]);
                  if (Number(stored[0]?.n) >= 1) return { replica, servedAfterMs: Date.now() - startedAt, failures };
                  // Would a load balancer's health check have taken it out?
                  const health = await replicas.health(replica, 1500);
                  failures.push(`HTTP 200 but nothing stored (answered ${answerTo(trigger).slice(0, 200) || 'nothing'}; /healthz ${health ? `${health.status} database ${String(health.report.database)}` : 'no answer'})`);
                } else failures.push(`HTTP ${status}`);
              } catch (error) {
                failures.push(error instanceof Error ? error.message : String(error));
              }
              await sleep(500);
            }
            return { replica, servedAfterMs: null, failures: failures.slice(-5) };
          }),
        );
        restart = { stoppedAt, startedAt, probes };
        note(`round ${round}: probes ${probes.map((p) => `r${p.replica}: ${p.servedAfterMs === null ? 'never served' : `${p.servedAfterMs} ms`}`).join(', ')}`);
        continue;
      }
      // A sample of who leads every round (a kill of the leader takes one too).
      const pick = random();
      if (pick >= 0.2) void leaderOf();
      if (pick < 0.2) {
        const { leader, reported } = await leaderOf();
        leaderReported ||= reported;
        const up = replicas.up();
        const victim = leader ?? up[Math.floor(random() * up.length)];
        if (victim !== undefined && kill(victim, leader === undefined ? (reported ? 'no leader reported now: a random replica' : 'the leader (not reported: a random replica)') : 'the scheduler leader', round)) leaderKills += 1;
      } else if (pick < 0.45) {
        trap = { armedAt: Date.now(), round };
      } else if (pick < 0.55) {
        const up = replicas.up();
        const victim = up[Math.floor(random() * up.length)];
        const delay = Math.floor(random() * 400);
        await sleep(delay);
        if (victim !== undefined) kill(victim, `random, ${delay} ms into the round`, round);
      }
      // A trap nobody sprang within 15 s (a whole delivery period) is dropped.
      if (trap && Date.now() - trap.armedAt > 15_000) trap = undefined;
      await sleep(ROUND_MS.min + Math.floor(random() * (ROUND_MS.max - ROUND_MS.min)));
      if (DEBUG) note(`round ${round} done: up ${replicas.up().join(',')}, commands ${commands.length}`);
    }
    trap = undefined;
    chaos = false;
    await Promise.all(senders);
    const escalationCommands = await Promise.all(escalations.map((escalation) => escalation.command));
    const chaosSeconds = (Date.now() - started) / 1000;
    note(`chaos over after ${chaosSeconds.toFixed(1)} s`);

    // The quiet period: every replica back, every ladder at its last step, the outbox empty.
    await replicas.allUp(60_000);
    const drainStarted = Date.now();
    let drained = false;
    let lastState = '';
    while (Date.now() - drainStarted < DRAIN_MS) {
      const ladders = await query<{ open: string }>(`select count(*) as open from oncall_escalations where next_step_at is not null and acknowledged_at is null`).catch(() => [{ open: '?' }]);
      const queued = await query<{ queued: string }>(`select count(*) as queued from outbox where state = 'queued'`).catch(() => [{ queued: '?' }]);
      lastState = `${ladders[0]?.open} ladders still running, ${queued[0]?.queued} outbox rows queued`;
      if (ladders[0]?.open === '0' && queued[0]?.queued === '0') {
        drained = true;
        break;
      }
      await sleep(1000);
    }
    note(`quiet period: ${drained ? 'drained' : 'NOT drained'} after ${((Date.now() - drainStarted) / 1000).toFixed(1)} s (${lastState})`);
    const finalLeaders = await leaderOf();
    leaderReported ||= finalLeaders.reported;
    const leadersAtRest = await Promise.all(replicas.up().map(async (replica) => leadsScheduler((await replicas.health(replica))?.report)));
    await replicas.stopAll();
    // Who led when: every "took the scheduler lease" in the logs, and how long each kill of the leader left the scheduler without one.
    const takeovers = replicas.incarnations
      .flatMap((life) => infoLinesOf(life).filter((line) => line.message.startsWith('took the scheduler lease')).map((line) => ({ replica: life.replica, at: line.at })))
      .sort((a, b) => a.at - b.at);
    // A kill of whichever replica led at that moment (a kill while delivering or at random may hit the leader too).
    const leaderAt = (at: number) => takeovers.filter((takeover) => takeover.at <= at).at(-1)?.replica;
    const failovers = kills.filter((k) => leaderAt(k.at) === k.replica).map((k) => (takeovers.find((takeover) => takeover.at > k.at)?.at ?? Infinity) - k.at);

    // DESKOPS_CHAOS_LOGS=<dir> keeps every replica's log, one file per life, to read a failure by.
    const logDir = process.env.DESKOPS_CHAOS_LOGS;
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
      for (const life of replicas.incarnations) writeFileSync(join(logDir, `r${life.replica}-${life.number}.log`), life.process.stderr());
    }

    // ---- The checks. Each is soft, so one run reports every failure it found.
    expect.soft(drained, `the quiet period did not drain in ${DRAIN_MS / 1000} s: ${lastState}`).toBe(true);

    // Every acknowledged /ticket new is stored exactly once; nothing, acknowledged or not, twice.
    const titles = new Map((await query<{ title: string; n: string }>(`select title, count(*) as n from tickets group by title`)).map((row) => [row.title, Number(row.n)]));
    const created = commands.filter((sent) => sent.text.startsWith('/ticket new "chaos '));
    const titleOf = (sent: Command) => /"(.*)"/.exec(sent.text)![1]!;
    const whileDown = (sent: Command) => restart !== undefined && (sent.ackedAt ?? 0) >= restart.stoppedAt && (sent.ackedAt ?? 0) <= restart.startedAt;
    // Those lost outside PostgreSQL's downtime first: each has a cause of its own.
    const lostCommands = created.filter((sent) => sent.acknowledged && !titles.has(titleOf(sent))).sort((a, b) => Number(whileDown(a)) - Number(whileDown(b)));
    const lostByReplica = [0, 1, 2].map((replica) => lostCommands.filter((sent) => sent.replica === replica).length);
    // The evidence for each: what the replica that acknowledged it logged (warnings and worse) around the 200, and whether it died soon after.
    const aroundAck = (sent: Command) => {
      const at = sent.ackedAt ?? 0;
      const life = replicas.incarnations.find((entry) => entry.replica === sent.replica && entry.spawnedAt <= at && (entry.exitedAt ?? Infinity) >= at);
      const logged = life ? warningLinesOf(life).filter((line) => Math.abs(line.at - at) <= 1500).map((line) => `${iso(line.at)} ${line.message}`) : [];
      const died = life?.killedAt !== undefined && life.killedAt - at < 5000 ? `; killed ${life.killedAt - at} ms after the 200` : '';
      return `${died}${logged.length > 0 ? `; its log: ${[...new Set(logged)].slice(0, 3).join(' / ')}` : ''}`;
    };
    const lost = lostCommands.map((sent) => `${sent.trigger} ${sent.text}: acknowledged by r${sent.replica} at ${iso(sent.ackedAt ?? 0)}; answered ${answerTo(sent.trigger).slice(0, 120) || 'nothing'}${aroundAck(sent)}`);
    const doubled = [...titles].filter(([title, n]) => title.startsWith('chaos ') && n > 1);
    const lostWhileDown = lostCommands.filter(whileDown).length;
    expect.soft(firstOf(lost), `acknowledged commands whose ticket is not stored (${lost.length}, ${lostWhileDown} of them acknowledged while PostgreSQL was down; per replica ${lostByReplica.join('/')})`).toEqual([]);
    expect.soft(doubled, 'tickets stored more than once').toEqual([]);

    // Every acknowledged escalation made exactly one escalation of its ticket.
    const ladders = await query<{ id: number; ticket_id: number; major: boolean; escalated_at: Date; paged_at: Date | null; step: string; acknowledged_at: Date | null }>(
      `select id, ticket_id, major, escalated_at, paged_at, step, acknowledged_at from oncall_escalations order by id`,
    );
    const perTicket = new Map<number, number>();
    for (const row of ladders) perTicket.set(row.ticket_id, (perTicket.get(row.ticket_id) ?? 0) + 1);
    const escalationProblems = escalations.flatMap((escalation, n) => {
      const sent = escalationCommands[n]!;
      const count = perTicket.get(escalation.ticketId) ?? 0;
      if (count > 1) return [`ticket ${escalation.ticketId}: ${count} escalations`];
      if (sent.acknowledged && count === 0) return [`ticket ${escalation.ticketId}: acknowledged (${sent.trigger}) by r${sent.replica} at ${iso(sent.ackedAt ?? 0)} but not escalated; answered ${answerTo(sent.trigger).slice(0, 200) || 'nothing'}${aroundAck(sent)}`];
      return [];
    });
    expect.soft(escalationProblems, 'escalations lost or doubled').toEqual([]);
    expect.soft(ladders.filter((row) => row.step !== 'called').map((row) => `escalation ${row.id}: ${row.step}`), 'ladders that did not reach the call').toEqual([]);

    // Every outbox row was sent, and every chat row reached Slack exactly once.
    const rows = await query<{ dedupe_key: string; channel: string; state: string; attempts: number; last_error: string | null; created_at: Date }>(
      `select dedupe_key, channel, state, attempts, last_error, created_at from outbox order by id`,
    );
    const unsent = rows.filter((row) => row.state !== 'sent').map((row) => `${row.dedupe_key} ${row.state} after ${row.attempts}: ${row.last_error ?? ''}`);
    expect.soft(firstOf(unsent), `outbox rows not sent (${unsent.length})`).toEqual([]);
    const perKey = workspace.postsPerKey();
    expect.soft([...perKey].filter(([, n]) => n > 1), 'Slack posts carrying the same dedupe key').toEqual([]);
    const chatRows = rows.filter((row) => !row.channel.startsWith('webhook:'));
    expect.soft(chatRows.filter((row) => row.state === 'sent' && !perKey.has(row.dedupe_key)).map((row) => row.dedupe_key), 'chat rows marked sent that Slack never got').toEqual([]);

    // Pages to the webhook: grouped by Idempotency-Key. The webhook sink sends the key for the
    // receiver to drop a repeat, which is legitimate only after the replica that sent the earlier
    // copy was killed before it could mark the row sent; any other repeat is a double delivery.
    const byKey = new Map<string, PagePost[]>();
    for (const post of pages.posts) byKey.set(post.idempotencyKey, [...(byKey.get(post.idempotencyKey) ?? []), post]);
    const incarnationAt = (replica: number, at: number): Incarnation | undefined =>
      replicas.incarnations.find((life) => life.replica === replica && life.spawnedAt <= at && (life.exitedAt ?? Infinity) >= at);
    const webhookRepeats: string[] = [];
    let legitimateRepeats = 0;
    for (const [key, posts] of byKey) {
      for (let n = 1; n < posts.length; n++) {
        const before = posts[n - 1]!;
        const sender = incarnationAt(replicaOfPath(before.path) ?? -1, before.at);
        if (sender?.killedAt !== undefined && sender.killedAt >= before.at && sender.killedAt <= posts[n]!.at) legitimateRepeats += 1;
        else webhookRepeats.push(`${key}: ${before.path} at ${iso(before.at)}, again from ${posts[n]!.path} at ${iso(posts[n]!.at)} with the first sender ${sender ? `alive (life ${sender.number})` : 'unknown'}`);
      }
    }
    expect.soft(webhookRepeats, 'pages posted twice without a crash between').toEqual([]);
    const webhookRows = rows.filter((row) => row.channel.startsWith('webhook:'));
    expect.soft(webhookRows.filter((row) => !byKey.has(row.dedupe_key)).map((row) => row.dedupe_key), 'webhook rows never posted').toEqual([]);

    // Each page on time: the webhook and the Slack page within 30 s of the due instant.
    const firstSlackPost = (key: string) => workspace.messages.find((message) => (message.metadata?.event_payload?.dedupe_keys ?? '').split('\n').includes(key))?.at;
    /** The failovers from 15 s before a page's due instant to its arrival (the first few). */
    const failoverNear = (from: number, to: number) => {
      const near = [
        ...(restart && restart.stoppedAt <= to && restart.startedAt >= from - 15_000 ? [`PostgreSQL down ${iso(restart.stoppedAt)}–${iso(restart.startedAt)}`] : []),
        ...kills.filter((k) => k.at >= from - 15_000 && k.at <= to).map((k) => `kill r${k.replica} at ${iso(k.at)}`),
      ];
      return near.length === 0 ? 'no failover near it' : near.length <= 4 ? near.join(', ') : `${near.slice(0, 4).join(', ')} and ${near.length - 4} more`;
    };
    const lateness: Array<{ key: string; dueAt: number; ms: number | null; near: string }> = [];
    const callLateness: number[] = [];
    for (const row of ladders) {
      const dueAt = row.escalated_at.getTime() + (row.major ? 0 : ACK_MINUTES * 60_000);
      for (const key of [`oncall:${row.id}:page:webhook`, `oncall:${row.id}:page`]) {
        const at = key.endsWith(':webhook') ? byKey.get(key)?.[0]?.at : firstSlackPost(key);
        lateness.push({ key, dueAt, ms: at === undefined ? null : at - dueAt, near: failoverNear(dueAt, at ?? dueAt + PAGE_BOUND_MS) });
      }
      const callAt = firstSlackPost(`oncall:${row.id}:call`);
      if (row.paged_at && callAt !== undefined) callLateness.push(callAt - (row.paged_at.getTime() + CALL_MINUTES * 60_000));
    }
    /** When the ladder queued a page well after its due instant: who led in between, and what they logged. */
    const queuedLate = (queuedAt: number, dueAt: number) => {
      if (queuedAt - dueAt < 6000) return '';
      const leaders = takeovers.filter((takeover) => takeover.at <= queuedAt && takeover.at >= (takeovers.filter((t) => t.at <= dueAt).at(-1)?.at ?? 0));
      const logged = leaders.flatMap((takeover) => {
        const life = replicas.incarnations.find((entry) => entry.replica === takeover.replica && entry.spawnedAt <= takeover.at && (entry.exitedAt ?? Infinity) >= takeover.at);
        return life ? warningLinesOf(life).filter((line) => line.at >= dueAt && line.at <= queuedAt).map((line) => `r${takeover.replica} ${iso(line.at)} ${line.message.slice(0, 100)}`) : [];
      });
      return ` ${((queuedAt - dueAt) / 1000).toFixed(1)} s after due; leaders from due to queue: ${leaders.map((t) => `r${t.replica}@${iso(t.at)}`).join(' ')}${logged.length > 0 ? `; they logged ${[...new Set(logged)].slice(0, 4).join(' / ')}` : ''}`;
    };
    const dueOf = (key: string) => lateness.find((page) => page.key === key)?.dueAt ?? 0;
    const history = (key: string) => {
      const row = rows.find((entry) => entry.dedupe_key === key);
      const posts = key.endsWith(':webhook')
        ? (byKey.get(key) ?? []).map((post) => `${post.path.slice(1)}@${iso(post.at)}`)
        : workspace.api.callsTo('chat.postMessage').filter((call) => String((call.args.metadata as { event_payload?: { dedupe_keys?: string } } | undefined)?.event_payload?.dedupe_keys ?? '').split('\n').includes(key)).map((call) => `r${replicaOfToken(call.token)}@${iso(call.at)}`);
      const leader = takeovers.filter((takeover) => row && takeover.at <= row.created_at.getTime()).at(-1);
      return `row ${row ? `queued ${iso(row.created_at.getTime())}${leader ? ` (leader then r${leader.replica}, since ${iso(leader.at)})` : ''}${queuedLate(row.created_at.getTime(), dueOf(key))}, ${row.state}, ${row.attempts} attempts${row.last_error ? `, last error ${row.last_error.slice(0, 80)}` : ''}` : 'missing'}; posts ${posts.join(' ') || 'none'}`;
    };
    const late = lateness.filter((page) => page.ms === null || page.ms > PAGE_BOUND_MS).map((page) => `${page.key} due ${iso(page.dueAt)}: ${page.ms === null ? 'never sent' : `${(page.ms / 1000).toFixed(1)} s late`} (${history(page.key)}; ${page.near})`);
    expect.soft(firstOf(late), `pages later than ${PAGE_BOUND_MS / 1000} s after their due instant`).toEqual([]);

    // PostgreSQL's restart: each replica that lived through it served a command afterwards.
    expect.soft(restart?.probes.filter((probe) => probe.servedAfterMs === null).map((probe) => `replica ${probe.replica}: ${probe.failures.join(' | ')}`), 'replicas that did not serve again after PostgreSQL restarted').toEqual([]);

    // No replica exited on its own, and none logged an error the test did not cause. While
    // PostgreSQL is down (and a few seconds after, while connections come back) a replica may log
    // errors, and one starting then may fail its start-up, but not with exit code 3, which tells a
    // supervisor not to restart it (cli.ts): a database that is down for a moment is no reason to
    // stay down.
    const duringRestart = (at: number) => restart !== undefined && at >= restart.stoppedAt && at <= restart.startedAt + 10_000;
    const crashes = replicas.crashes.filter((crash) => !(duringRestart(crash.at) && crash.code !== 3));
    expect.soft(crashes.map((crash) => `replica ${crash.replica} life ${crash.incarnation} exited ${crash.code} at ${iso(crash.at)}: ${crash.stderrTail.slice(-600)}`), 'replicas that exited on their own').toEqual([]);
    const errorLines = replicas.incarnations.flatMap(errorLinesOf);
    const unexpected = new Map<string, { count: number; first: number; last: number }>();
    for (const line of errorLines.filter((entry) => !duringRestart(entry.at))) {
      const key = `r${line.replica}#${line.life}: ${line.message}`;
      const seen = unexpected.get(key) ?? { count: 0, first: line.at, last: line.at };
      unexpected.set(key, { count: seen.count + 1, first: seen.first, last: line.at });
    }
    expect.soft(firstOf([...unexpected].map(([key, seen]) => `${key} (${seen.count}× ${iso(seen.first)}–${iso(seen.last)})`)), "error lines in the replicas' logs outside PostgreSQL's restart").toEqual([]);

    // Once the scheduler reports its leader: at rest, exactly one replica leads.
    if (leaderReported) {
      expect.soft(leadersAtRest.filter((leads) => leads === true), 'leaders at rest').toHaveLength(1);
      expect.soft(firstOf(leaderSamples.filter((sample) => sample.leaders.length > 1).map((sample) => `${iso(sample.at)}: ${sample.leaders.map((r) => `r${r}`).join(', ')}`)), 'moments two replicas said they lead').toEqual([]);
    }

    const sorted = lateness.flatMap((page) => (page.ms === null ? [] : [page.ms])).sort((a, b) => a - b);
    const acknowledged = commands.filter((sent) => sent.acknowledged).length;
    console.info(
      [
        `chaos-replicas: seed ${SEED}, ${ROUNDS} rounds, ${chaosSeconds.toFixed(1)} s of chaos, ${((Date.now() - started) / 1000).toFixed(1)} s in all`,
        `  scheduler taken ${takeovers.length} times; after each of the ${failovers.length} kills of the leader, the next took over in (s): ${failovers.map((ms) => (ms === Infinity ? 'never' : (ms / 1000).toFixed(1))).join(' ')}`,
        `  leader samples: ${leaderSamples.length} (${leaderSamples.filter((sample) => sample.leaders.length === 0).length} with no leader, ${leaderSamples.filter((sample) => sample.leaders.length > 1).length} with two or more)`,
        `  ${kills.length} kills (${leaderKills} leader${leaderReported ? '' : ' (no leader reported: random replicas)'}, ${kills.filter((k) => k.why.startsWith('delivering')).length} while delivering, ${kills.filter((k) => k.why.startsWith('random')).length} random), ${replicas.incarnations.length} processes started`,
        `  PostgreSQL restart at round ${restartRound}: down ${restart ? restart.startedAt - restart.stoppedAt : '?'} ms; ${restart?.probes.map((p) => `r${p.replica} served again ${p.servedAfterMs === null ? 'never' : `after ${p.servedAfterMs} ms`}`).join(', ')}; ${errorLines.filter((line) => duringRestart(line.at)).length} error lines and ${replicas.crashes.length - crashes.length} failed start-ups while it was down`,
        `  ${commands.length} commands sent, ${acknowledged} acknowledged, ${titles.size} distinct titles stored; ${escalations.length} escalations, ${ladders.length} ladders`,
        `  ${rows.length} outbox rows, ${workspace.messages.length} Slack posts, ${pages.posts.length} webhook posts (${byKey.size} keys, ${legitimateRepeats} repeats after a kill)`,
        `  page lateness (s): ${sorted.map((ms) => (ms / 1000).toFixed(1)).join(' ')}; call lateness (s): ${callLateness.map((ms) => (ms / 1000).toFixed(1)).join(' ')}`,
      ].join('\n'),
    );
    if (DEBUG) console.info(events.map((event) => `${iso(event.at)} ${event.what}`).join('\n'));
  }, 600_000);
});

