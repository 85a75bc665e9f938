/**
 * Correlation ids end to end: every log line of one Slack request carries that request's
 * requestId, even while another request is in flight; every job run's lines carry { job, runId }.
 */
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { slackDeps, startSlack } from '../../src/adapters/slack/start.js';
import { SettableClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import type { DeliverySink } from '../../src/delivery/sink.js';
import type { Job } from '../../src/jobs/job.js';
import { emptyReport } from '../../src/jobs/job.js';
import { runTick } from '../../src/jobs/tick.js';
import { createLogger, withCorrelation } from '../../src/log.js';
import { createDeskopsFor } from '../../src/main.js';
import { storageEnv } from '../doubles/test-engine.js';
import { createInProcessEngine } from '../../src/engine/in-process.js';
import { startWorkerEngine } from '../../src/engine/worker-engine.js';
import { startSlackApi } from '../doubles/slack-api.js';
import { postToSlackEndpoint, slashCommandBody } from '../doubles/slack-requests.js';

const SECRET = 'ops-correlation-secret';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Line = Record<string, unknown>;

function capturingDeskops(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-ops-corr-'));
  const lines: Line[] = [];
  const config = loadConfig({ ...storageEnv(join(dir, 'deskops.db'), cleanups), ...env });
  const logger = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
  const deskops = createDeskopsFor(config, { logger, clock: new SettableClock(undefined, new Date('2026-11-23T10:00:00Z')) });
  cleanups.push(() => {
    deskops.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { config, deskops, lines };
}

/** A response_url server that refuses every answer with 500, the one for `slow` after a delay. */
async function refusingResponseUrls(slowMs: number) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const answer = () => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('nope');
      };
      if (req.url?.includes('slow')) setTimeout(answer, slowMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('correlation ids', () => {
  it('gives each of two concurrent Slack requests its own requestId on all of its log lines', async () => {
    const api = await startSlackApi();
    cleanups.push(() => api.close());
    const env = { SLACK_BOT_TOKEN: 'xoxb-ops-corr', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: api.url, SLACK_BOT_ID: 'BBOT', SLACK_BOT_USER_ID: 'UBOT' };
    const { config, lines } = capturingDeskops(env);
    // The engine on its worker threads, as `deskops start` runs it: its lines carry the request's id too.
    const logger = createLogger('debug', { write: (line: string) => void lines.push(JSON.parse(line) as Line) });
    const engine = await startWorkerEngine(config, { logger });
    cleanups.push(() => engine.close());
    const slack = await startSlack(config, engine, logger, { port: 0, deps: slackDeps(config, config.slack!, engine, logger), backoff: { initialMs: 5, maxMs: 20 } });
    cleanups.push(() => slack.stop());
    await slack.ready;
    const responses = await refusingResponseUrls(300);
    const events = `http://127.0.0.1:${slack.port}/slack/events`;

    const send = (name: string) =>
      postToSlackEndpoint(events, slashCommandBody({ command: '/desk', text: `ticket new "Request ${name}"`, trigger_id: `trigger-${name}`, response_url: `${responses}/${name}` }), { secret: SECRET });
    const acks = await Promise.all([send('slow'), send('fast')]);
    expect(acks.map((ack) => ack.status)).toEqual([200, 200]);

    const refused = () => lines.filter((line) => line.msg === 'slack response_url refused the reply');
    await vi.waitFor(() => expect(refused()).toHaveLength(2), { timeout: 5000, interval: 10 });

    const idOf = (trigger: string) => refused().find((line) => line.key === `slack:command:${trigger}`)?.requestId;
    const slow = idOf('trigger-slow');
    const fast = idOf('trigger-fast');
    expect(slow).toMatch(/^[0-9a-f]{8}$/);
    expect(fast).toMatch(/^[0-9a-f]{8}$/);
    expect(slow).not.toBe(fast);
    // The fast request finished while the slow one was still waiting: they really overlapped.
    expect(refused()[0]?.key).toBe('slack:command:trigger-fast');

    // Every line that names one request's trigger carries that request's id, never the other's.
    for (const line of lines) {
      const text = JSON.stringify(line);
      if (text.includes('trigger-slow')) expect(line.requestId).toBe(slow);
      if (text.includes('trigger-fast')) expect(line.requestId).toBe(fast);
    }
    // Each request has more than one line (Bolt's own debug lines and ours), all with platform slack.
    for (const id of [slow, fast]) {
      const own = lines.filter((line) => line.requestId === id);
      expect(own.length).toBeGreaterThan(1);
      expect(own.every((line) => line.platform === 'slack')).toBe(true);
    }
  });

  it('tags every line of a job run with the job and a runId, one per run, and delivery with its own', async () => {
    const { deskops, lines } = capturingDeskops();
    const noisy = (name: string): Job => ({
      name,
      schedule: '* * * * *',
      run: (ctx) => {
        ctx.logger.info({ note: name }, 'working');
        return emptyReport();
      },
    });
    const sink: DeliverySink = { post: () => Promise.resolve() };
    await runTick(createInProcessEngine({ ...deskops, jobs: [noisy('first'), noisy('second')] }), new Date('2026-11-23T10:00:00Z'), sink);
    await runTick(createInProcessEngine({ ...deskops, jobs: [noisy('first')] }), new Date('2026-11-23T10:01:00Z'), sink);
    const working = lines.filter((line) => line.msg === 'working');
    expect(working.map((line) => [line.job, line.note])).toEqual([
      ['first', 'first'],
      ['second', 'second'],
      ['first', 'first'],
    ]);
    const runIds = working.map((line) => line.runId);
    expect(new Set(runIds).size).toBe(3);
    for (const id of runIds) expect(id).toMatch(/^[0-9a-f]{8}$/);
  });

  it('puts the request id in the apology a user sees, the same id its log line carries', () => {
    const { deskops, lines } = capturingDeskops();
    // A database that went away mid-flight: an unexpected error, not a refusal.
    deskops.app.store.close();
    const reply = withCorrelation({ requestId: 'feedc0de', platform: 'test' }, () =>
      deskops.router.handle({ platform: 'shell', user: { externalId: 'alice', handle: 'alice' }, channel: '#helpdesk', thread: null, text: 'ticket list' }),
    );
    expect(reply.title).toContain('(ref feedc0de)');
    const logged = lines.find((line) => line.level === 50);
    expect(logged).toMatchObject({ requestId: 'feedc0de', ref: 'feedc0de', platform: 'shell' });
  });
});
