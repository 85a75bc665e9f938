/**
 * The real Bolt app in Socket Mode against loopback stand-ins: apps.connections.open on the Web
 * API stand-in hands out a ws:// URL to a local WebSocket server playing Slack's side.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startSlack } from '../../src/adapters/slack/start.js';
import { identities, tickets } from '../../src/store/schema.js';
import { selectRow } from '../doubles/db.js';
import { createTestDesk } from '../doubles/deskops.js';
import { startSlackApi, type SlackHandler } from '../doubles/slack-api.js';
import { startSocketStandIn } from '../doubles/slack-socket.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * deskops in Socket Mode against the Web API stand-in and the socket stand-in; `open` answers the
 * n-th apps.connections.open (by default: the socket's URL).
 */
async function socketDesk(open?: (n: number, socketUrl: string) => ReturnType<SlackHandler>) {
  const api = await startSlackApi();
  const socket = await startSocketStandIn();
  let calls = 0;
  api.on('apps.connections.open', () => (open ? open(++calls, socket.url) : { ok: true, url: socket.url }));
  const env = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_APP_TOKEN: 'xapp-test', SLACK_API_URL: api.url, SLACK_BOT_ID: 'BBOT', SLACK_BOT_USER_ID: 'UBOT' };
  const desk = createTestDesk({ env });
  // The desk's own configuration: its staff rules decide who is a requester.
  const config = desk.config;
  const slack = await startSlack(config, desk.engine, desk.logger, { backoff: { initialMs: 5, maxMs: 20 } });
  cleanups.push(async () => {
    await slack.stop();
    desk.dispose();
    await socket.close();
    await api.close();
  });
  return { api, socket, desk, config, slack, opens: () => calls };
}

describe('Slack Socket Mode', () => {
  it('opens the connection through SLACK_API_URL, acks a slash_commands envelope and runs the command', async () => {
    const { api, socket, desk, config, slack } = await socketDesk();
    expect(config.slack?.mode).toBe('socket');

    expect(await slack.ready).toBe(true);
    expect(api.callsTo('apps.connections.open').map((c) => c.token)).toEqual(['xapp-test']);
    await vi.waitFor(() => expect(socket.sockets).toHaveLength(1), { timeout: 3000, interval: 5 });

    const sent = performance.now();
    socket.sockets[0]!.send(
      JSON.stringify({
        envelope_id: 'env-1',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: {
          token: 'legacy',
          team_id: 'T1',
          team_domain: 'acme',
          channel_id: 'C0HELP',
          channel_name: 'helpdesk',
          user_id: 'U0ALICE',
          user_name: 'alice',
          command: '/ticket',
          text: 'new "Socket ticket"',
          api_app_id: 'A0DESK',
          response_url: `${api.url}response/socket`,
          trigger_id: 'trig-socket',
        },
      }),
    );
    const ack = await vi.waitFor(
      () => {
        const found = socket.received.find((m) => m.envelope_id === 'env-1');
        if (!found) throw new Error('no ack yet');
        return found;
      },
      { timeout: 3000, interval: 2 },
    );
    expect(performance.now() - sent).toBeLessThan(3000);
    // An empty ack: the answer goes to response_url after the work, not in the ack.
    expect(ack).toEqual({ envelope_id: 'env-1', payload: {} });

    const answer = await vi.waitFor(
      () => {
        const call = api.callsTo('response/socket')[0];
        if (!call) throw new Error('no response_url answer yet');
        return call;
      },
      { timeout: 3000, interval: 5 },
    );
    expect(answer.args.response_type).toBe('in_channel');
    expect(JSON.stringify(answer.args.blocks)).toContain('Socket ticket');
    const row = selectRow(desk.app.store, tickets)!;
    const creator = selectRow(desk.app.store, identities, eq(identities.personId, row.createdBy!));
    expect({ title: row.title, creator: creator?.externalId }).toEqual({ title: 'Socket ticket', creator: 'U0ALICE' });
  });

  it('keeps retrying while apps.connections.open fails, then connects', async () => {
    const { socket, slack, opens } = await socketDesk((n, url) => (n <= 2 ? { status: 503, body: { ok: false } } : { ok: true, url }));
    expect(await slack.ready).toBe(true);
    expect(opens()).toBe(3);
    await vi.waitFor(() => expect(socket.sockets).toHaveLength(1), { timeout: 3000, interval: 5 });
  });

  it('reconnects through its own backoff when the socket drops, even while apps.connections.open fails', async () => {
    // First connection works; the first reconnect attempt fails (Slack down), the next one works.
    const { socket, slack, opens } = await socketDesk((n, url) => (n === 2 ? { status: 500, body: { ok: false } } : { ok: true, url }));
    expect(await slack.ready).toBe(true);
    await vi.waitFor(() => expect(socket.sockets).toHaveLength(1), { timeout: 3000, interval: 5 });

    socket.sockets[0]!.terminate();
    await vi.waitFor(() => expect(socket.sockets).toHaveLength(2), { timeout: 5000, interval: 5 });
    expect(opens()).toBe(3);
  });
});
