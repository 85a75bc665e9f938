/**
 * Slack's side of the round trip, in the parent process: signed slash commands sent over
 * keep-alive connections (sequential, open loop at a fixed rate, closed loop for the most it
 * sustains), to one app or in turn to several replicas of it, and a stand-in for the Web API and
 * response_url that notes when each answer arrives.
 */
import { createHmac } from 'node:crypto';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNING_SECRET } from './child.js';

/** Where Slack's Web API calls and the response_url answers land; answers are noted by key. */
export interface SlackStandIn {
  /** Ends with "/api/", as SLACK_API_URL needs. */
  apiUrl: string;
  responseUrl(key: string): string;
  /** performance.now() at which the answer for `key` arrived. */
  answers: Map<string, number>;
  /** Keys whose answer was an apology (the database busy, something went wrong) instead of the command's reply. */
  apologies: Set<string>;
  /** Resolves when the answer for `key` has arrived, or after `timeoutMs`. */
  answered(key: string, timeoutMs: number): Promise<void>;
  apiCalls(): number;
  close(): Promise<void>;
}

/** The router's apologies (src/app/errors.ts, src/commands/router.ts): the command's work was not done. */
const APOLOGY = /database is busy|went wrong on our side/;

export async function startStandIn(): Promise<SlackStandIn> {
  const answers = new Map<string, number>();
  const apologies = new Set<string>();
  const waiters = new Map<string, () => void>();
  let apiCalls = 0;
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => void (url.startsWith('/response/') && chunks.push(chunk)));
    req.on('end', () => {
      if (url.startsWith('/response/')) {
        const key = url.slice('/response/'.length);
        answers.set(key, performance.now());
        if (APOLOGY.test(Buffer.concat(chunks).toString('utf8'))) apologies.add(key);
        waiters.get(key)?.();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
        return;
      }
      apiCalls++;
      const method = url.replace(/^\/api\//, '').split('?')[0];
      const body =
        method === 'auth.test'
          ? { ok: true, user_id: 'UBENCH', bot_id: 'BBENCH', team_id: 'T1' }
          : method === 'conversations.info'
            ? { ok: true, channel: { id: 'C0HELP', name: 'helpdesk', is_member: true, is_private: false, is_shared: false, is_ext_shared: false, is_org_shared: false } }
            : { ok: true, ts: `${Date.now() / 1000}`, channel: 'C0HELP' };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    responseUrl: (key) => `${base}/response/${key}`,
    answers,
    apologies,
    answered: (key, timeoutMs) =>
      answers.has(key)
        ? Promise.resolve()
        : new Promise((resolve) => {
            const timer = setTimeout(done, timeoutMs);
            function done() {
              clearTimeout(timer);
              waiters.delete(key);
              resolve();
            }
            waiters.set(key, done);
          }),
    apiCalls: () => apiCalls,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One slash command as Slack would post it. */
export interface Command {
  command: string;
  text: string;
  userId: string;
  key: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function body(command: Command, standIn: SlackStandIn): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T1',
    team_domain: 'acme',
    channel_id: 'C0HELP',
    channel_name: 'helpdesk',
    user_id: command.userId,
    user_name: command.userId.toLowerCase(),
    command: command.command,
    text: command.text,
    api_app_id: 'A0DESK',
    is_enterprise_install: 'false',
    response_url: standIn.responseUrl(command.key),
    trigger_id: `${command.key}.${Math.random().toString(16).slice(2)}`,
  }).toString();
}

/** POSTs one signed command; resolves with the HTTP status once the ack's body has arrived. */
export function send(url: string, command: Command, standIn: SlackStandIn): Promise<number> {
  const payload = body(command, standIn);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${payload}`).digest('hex')}`;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(payload),
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': signature,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export interface LoadFigures {
  sent: number;
  failed: number;
  seconds: number;
  perSecond: number;
  /** Answers per second, from the first command's departure to the last answer (NaN without answers). */
  answeredPerSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  ackMaxMs: number;
  /** Until the answer reached response_url (apps that answer; NaN otherwise). */
  answerP50Ms: number;
  answerP99Ms: number;
  /** Commands whose answer had not arrived when the run ended (after a grace period). */
  unanswered: number;
  /** Answers that apologised (database busy, something went wrong) instead of doing the command. */
  apologised: number;
  /** What the failed ones got: HTTP status or error code, with counts ("404 x3"). */
  failures: string;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

interface Sample {
  key: string;
  /** When it was meant to go (open loop) or went (otherwise). */
  at: number;
  ackMs: number;
  ok: boolean;
  /** HTTP status, or the error code when the request failed. */
  outcome: string;
}

/** "404 x3, ECONNRESET x1" (Map.groupBy needs Node 21). */
function tally(outcomes: string[]): string {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  return [...counts].map(([outcome, count]) => `${outcome} x${count}`).join(', ');
}

async function figures(samples: Sample[], seconds: number, standIn: SlackStandIn, expectAnswers: boolean): Promise<LoadFigures> {
  if (expectAnswers) {
    // Answers go out after the ack: give the last ones a moment to land.
    const until = performance.now() + 5_000;
    while (performance.now() < until && samples.some((s) => s.ok && !standIn.answers.has(s.key))) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const acks = samples.filter((s) => s.ok).map((s) => s.ackMs);
  const answered = expectAnswers ? samples.filter((s) => standIn.answers.has(s.key)) : [];
  const answers = answered.map((s) => standIn.answers.get(s.key)! - s.at);
  const first = Math.min(...samples.map((s) => s.at));
  const last = Math.max(...answered.map((s) => standIn.answers.get(s.key)!));
  return {
    sent: samples.length,
    failed: samples.filter((s) => !s.ok).length,
    seconds,
    perSecond: acks.length / seconds,
    answeredPerSecond: answered.length > 0 ? answered.length / ((last - first) / 1000) : NaN,
    ackP50Ms: percentile(acks, 0.5),
    ackP99Ms: percentile(acks, 0.99),
    ackMaxMs: Math.max(...acks),
    answerP50Ms: percentile(answers, 0.5),
    answerP99Ms: percentile(answers, 0.99),
    unanswered: expectAnswers ? samples.filter((s) => s.ok && !standIn.answers.has(s.key)).length : 0,
    apologised: answered.filter((s) => standIn.apologies.has(s.key)).length,
    failures: tally(samples.filter((s) => !s.ok).map((s) => s.outcome)),
  };
}

async function one(url: string, command: Command, standIn: SlackStandIn, at: number): Promise<Sample> {
  try {
    const status = await send(url, command, standIn);
    return { key: command.key, at, ackMs: performance.now() - at, ok: status === 200, outcome: String(status) };
  } catch (error) {
    return { key: command.key, at, ackMs: performance.now() - at, ok: false, outcome: (error as { code?: string }).code ?? 'error' };
  }
}

/**
 * Where a load sends: one app's URL, or several replicas' URLs that take the commands in turn
 * (round robin, as a load balancer in front of them would).
 */
export type Targets = string | readonly string[];

function target(targets: Targets, i: number): string {
  return typeof targets === 'string' ? targets : targets[i % targets.length]!;
}

/** One command at a time: latency with nothing else in flight. */
export async function sequential(targets: Targets, count: number, make: (i: number) => Command, standIn: SlackStandIn, expectAnswers: boolean): Promise<LoadFigures> {
  const samples: Sample[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const command = make(i);
    samples.push(await one(target(targets, i), command, standIn, performance.now()));
    if (expectAnswers) {
      // Wait for the answer too, so the next command does not meet this one's store work.
      await standIn.answered(command.key, 5_000);
    }
  }
  return figures(samples, (performance.now() - started) / 1000, standIn, expectAnswers);
}

/**
 * Open loop: commands leave at a fixed `rate` whatever the app does, for `seconds`. Latency counts
 * from each command's planned departure, so a stalled app is charged for the queue it causes.
 */
export async function openLoop(targets: Targets, rate: number, seconds: number, make: (i: number) => Command, standIn: SlackStandIn, expectAnswers: boolean): Promise<LoadFigures> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const pending: Promise<Sample>[] = [];
  const started = performance.now();
  let i = 0;
  while (i < total) {
    const now = performance.now();
    while (i < total && started + i * interval <= now) {
      pending.push(one(target(targets, i), make(i), standIn, started + i * interval));
      i++;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const samples = await Promise.all(pending);
  return figures(samples, seconds, standIn, expectAnswers);
}

/** Closed loop: `concurrency` commands always in flight for `seconds`; the rate is what the app sustains. */
export async function closedLoop(targets: Targets, concurrency: number, seconds: number, make: (i: number) => Command, standIn: SlackStandIn, expectAnswers: boolean): Promise<LoadFigures> {
  const samples: Sample[] = [];
  let next = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const i = next++;
        samples.push(await one(target(targets, i), make(i), standIn, performance.now()));
      }
    }),
  );
  return figures(samples, (performance.now() - started) / 1000, standIn, expectAnswers);
}
