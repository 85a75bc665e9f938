/**
 * Fault: Slack answers 429 with Retry-After, HTTP 500s, never answers (the client times out), or
 * posts and then loses its answer, for a while; then it recovers. The real outbox worker and the
 * real Slack sink run against the workspace stand-in. Nothing is lost, nothing is posted twice,
 * no post to a channel comes sooner than its Retry-After allowed (the stand-in's own timestamps),
 * and the on-call page goes out once Slack is back.
 *
 * The worker's clock is the injected one, moved to each next due instant so the 30 s … backoffs
 * after 500s take no real time; Retry-After is real time, kept by the sink's per-channel pacing.
 */
import { actAs } from '../doubles/context.js';
import { slackDepsWith } from '../../src/adapters/slack/start.js';
import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { boltLogger } from '../../src/adapters/slack/bolt-logger.js';
import type { SlackDeps } from '../../src/adapters/slack/deps.js';
import { OUTBOX_CLIENT_OPTIONS, createSlackSink } from '../../src/adapters/slack/sink.js';
import { enqueue } from '../../src/app/outbox.js';
import { createPlatformSink } from '../../src/delivery/platform-sink.js';
import { deliverDue } from '../../src/delivery/worker.js';
import { createWebhookSink } from '../../src/delivery/webhook-sink.js';
import { outbox } from '../../src/store/schema.js';
import { warning } from '../../src/views/reply.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';
import { engineOver } from '../doubles/delivery.js';
import { startSlackWorkspace, type PostFault, type SlackWorkspace } from '../doubles/fault-slack.js';
import { mapChannelsIn, notice, outboxRow } from '../doubles/sink-fixtures.js';
import { selectRows } from '../doubles/db.js';

/** The client's wait for an answer: the production 15 s, shortened so a hung Slack costs little here. */
const CLIENT_TIMEOUT_MS = 300;

let desk: TestDesk | undefined;
let workspace: SlackWorkspace | undefined;
afterEach(async () => {
  await workspace?.close();
  desk?.dispose();
});

/** A desk, the Slack workspace stand-in, a logger into `log`, and the Slack deps the sink needs. */
async function setUp() {
  const created = (desk = createTestDesk());
  const ws = (workspace = await startSlackWorkspace());
  const log: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void log.push(line) });
  const deps: SlackDeps = slackDepsWith(
    engineOver({ ...created.app, logger }),
    { botToken: 'xoxb-test', signingSecret: 's', appToken: undefined, mode: 'http', prefixCommand: '/desk', botId: 'BBOT', botUserId: 'UBOT' },
    new WebClient('xoxb-test', { slackApiUrl: ws.api.url }),
    logger,
    created.app.settings,
  );
  return { desk: created, ws, log, logger, deps };
}

describe('Slack failing for a while', () => {
  it('loses nothing, posts nothing twice, honours Retry-After, and pages on-call once Slack recovers', async () => {
    const { desk, ws, log, logger, deps } = await setUp();
    const client = new WebClient('xoxb-test', { slackApiUrl: ws.api.url, ...OUTBOX_CLIENT_OPTIONS, timeout: CLIENT_TIMEOUT_MS, logger: boltLogger(logger) });
    const sink = createPlatformSink(deps.engine, { platforms: [{ platform: 'slack', sink: createSlackSink(deps, { minIntervalMs: 0, client }) }], webhook: createWebhookSink({ url: undefined }) });
    mapChannelsIn(desk.app, { 'tier:triage': 'slack:C0TRIAGE', 'tier:t1': 'slack:C0T1', 'role:oncall': 'slack:C0ONCALL' });

    // Real notifications from real commands, plus an on-call page, spread over three channels.
    for (let i = 1; i <= 6; i++) expect(desk.run(`ticket new "Outage ${i}"`).tone).toBe('success');
    desk.app.store.transaction(() => {
      enqueue(desk!.app, { audience: 'staff', dedupeKey: 'oncall:1:page', channel: 'role:oncall', reply: warning('On-Call paged: production down', { visibility: 'channel', text: 'Ticket #1' }) });
      for (let i = 1; i <= 3; i++) enqueue(desk!.app, { audience: 'staff', dedupeKey: `sla:${i}:1:yellow`, channel: 'tier:t1', reply: warning(`Ticket #${i} turned yellow`, { visibility: 'channel' }) });
    });

    // The outage: the first posts meet every kind of failure, then Slack answers normally.
    const outage: PostFault[] = [
      { kind: 'ratelimit', retryAfterSeconds: 1 },
      { kind: 'error', status: 500 },
      { kind: 'hang' },
      { kind: 'post-then-error' },
      { kind: 'ratelimit', retryAfterSeconds: 2 },
      { kind: 'error', status: 503 },
      { kind: 'post-then-error' },
      { kind: 'hang' },
      { kind: 'ratelimit', retryAfterSeconds: 1 },
    ];
    const given: PostFault[] = [];
    ws.faults = () => {
      const fault = outage.shift();
      if (fault) given.push(fault);
      return fault;
    };

    const job = deps.engine;
    const queued = () => selectRows(desk!.app.store, outbox).filter((row) => row.state === 'queued');
    for (let run = 0; run < 60 && queued().length > 0; run++) {
      await deliverDue(job, desk.clock.now(), sink, { jitter: 0 });
      const next = Math.min(...queued().map((row) => row.nextAttemptAt.getTime()));
      if (Number.isFinite(next) && next > desk.clock.now().getTime()) desk.clock.set(new Date(next));
    }

    const rows = selectRows(desk.app.store, outbox);
    expect(rows.map((row) => [row.dedupeKey, row.state])).toEqual(rows.map((row) => [row.dedupeKey, 'sent']));
    expect(given.map((fault) => fault.kind)).toEqual(['ratelimit', 'error', 'hang', 'post-then-error', 'ratelimit', 'error', 'post-then-error', 'hang', 'ratelimit']);

    const perKey = ws.postsPerKey();
    expect([...perKey].filter(([, n]) => n !== 1)).toEqual([]);
    expect([...perKey.keys()].sort()).toEqual(rows.map((row) => row.dedupeKey).sort());
    // Slack said when to come back; no post to that channel came sooner.
    expect(ws.rateLimits.length).toBe(3);
    expect(ws.earlyPosts()).toEqual([]);
    // The posts Slack stored but whose answer was lost were found, not repeated.
    expect(log.filter((line) => line.includes('found an earlier post')).length).toBeGreaterThanOrEqual(1);

    const page = ws.messages.find((message) => message.metadata?.event_payload?.dedupe_keys?.split('\n').includes('oncall:1:page'));
    expect(page).toMatchObject({ channel: 'C0ONCALL' });
    expect(page!.text).toContain('On-Call paged');
  }, 60_000);

  it('looks a retried row up before posting it, and posts again (at-least-once, with a warning) where the history cannot be read', async () => {
    const { desk, ws, log, deps } = await setUp();
    const sink = createSlackSink(deps, { minIntervalMs: 0 });
    mapChannelsIn(desk.app, { 'tier:t1': 'slack:C0T1' });
    const now = desk.clock.now();

    // In a channel: a first try stored by Slack (answer lost), then the retry finds it.
    ws.faults = () => ({ kind: 'post-then-error' });
    await expect(sink.post('tier:t1', notice('Ticket #4 turned yellow'), [outboxRow(now, 'sla:4:1:yellow', { channel: 'tier:t1' })])).rejects.toThrow();
    ws.faults = undefined;
    await sink.post('tier:t1', notice('Ticket #4 turned yellow'), [outboxRow(now, 'sla:4:1:yellow', { channel: 'tier:t1', attempts: 1 })]);
    expect(ws.postsPerKey().get('sla:4:1:yellow')).toBe(1);
    expect(ws.api.callsTo('conversations.history')).toHaveLength(1);

    // In a DM: deskops has no im:history, so the retry posts again and says so.
    const alice = actAs(desk.app, 'U0ALICE', 'agent', 'slack').actor;
    if (alice.kind !== 'person') throw new Error('expected a person');
    ws.api.on('conversations.open', () => ({ ok: true, channel: { id: 'D0ALICE' } }));
    ws.api.on('conversations.history', () => ({ ok: false, error: 'missing_scope', needed: 'im:history' }));
    const dm = outboxRow(now, 'assigned:4:1:1', { channel: `person:${alice.personId}`, attempts: 1 });
    await sink.post(dm.channel, notice('You were assigned #4'), [dm]);
    await sink.post(dm.channel, notice('You were assigned #4'), [dm]);
    expect(ws.postsPerKey().get('assigned:4:1:1')).toBe(2);
    expect(log.filter((line) => line.includes('"level":40') && line.includes('posting again (at-least-once)'))).toHaveLength(2);
  }, 30_000);
});
