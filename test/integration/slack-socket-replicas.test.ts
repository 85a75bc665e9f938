/**
 * Two `deskops start` replicas (worker engines, the real Bolt app in Socket Mode) on one PostgreSQL
 * database: each opens its own socket to the stand-in; an envelope Slack delivers to both (a
 * retry handed to the other connection) is acknowledged by both and runs once; the next command
 * runs on whichever replica gets it.
 */
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runService } from '../../src/adapters/service.js';
import { loadConfig } from '../../src/config.js';
import { tickets } from '../../src/store/pg/schema.js';
import { all } from '../../src/store/pg/session.js';
import { openPgStore } from '../../src/store/pg/store.js';
import { TEST_STAFF_RULES } from '../doubles/deskops.js';
import { usePostgres } from '../doubles/postgres.js';
import { startSlackApi } from '../doubles/slack-api.js';
import { startSocketStandIn } from '../doubles/slack-socket.js';

const postgres = usePostgres();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const envelope = (id: string, text: string, trigger: string, responseUrl: string) =>
  JSON.stringify({
    envelope_id: id,
    type: 'slash_commands',
    accepts_response_payload: true,
    payload: { token: 'legacy', team_id: 'T1', team_domain: 'acme', channel_id: 'C0HELP', channel_name: 'helpdesk', user_id: 'U0ALICE', user_name: 'alice', command: '/ticket', text, api_app_id: 'A0DESK', response_url: responseUrl, trigger_id: trigger },
  });

describe('Slack Socket Mode with two replicas on PostgreSQL', () => {
  it('connects every replica and runs an envelope delivered to both once', async () => {
    const url = await postgres.freshDatabase();
    const api = await startSlackApi();
    const socket = await startSocketStandIn();
    cleanups.push(() => api.close(), () => socket.close());
    api.on('apps.connections.open', () => ({ ok: true, url: socket.url }));
    const store = await openPgStore(url);
    cleanups.push(() => store.close());
    const titles = () => all(store.db.select({ title: tickets.title }).from(tickets).orderBy(tickets.id)).map((row) => row.title);

    for (const id of ['replica-a', 'replica-b']) {
      const config = loadConfig({ DESKOPS_DATABASE_URL: url, DESKOPS_REPLICA_ID: id, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_APP_TOKEN: 'xapp-test', SLACK_API_URL: api.url, SLACK_BOT_ID: 'BBOT', SLACK_BOT_USER_ID: 'UBOT', DESKOPS_STAFF: TEST_STAFF_RULES });
      const stopping = new AbortController();
      const running = runService(config, { signal: stopping.signal, port: 0, logger: pino({ level: 'silent' }), leaseCheckEveryMs: 200 });
      cleanups.push(async () => {
        stopping.abort();
        await running;
      });
    }
    await vi.waitFor(() => expect(socket.sockets).toHaveLength(2), { timeout: 30_000, interval: 20 });

    // Slack hands the same envelope to both connections at once (a retry on the other socket).
    const same = envelope('env-twice', 'new "Delivered to both"', 'trig-twice', `${api.url}response/twice`);
    for (const connection of socket.sockets) connection.send(same);
    await vi.waitFor(() => expect(socket.received.filter((message) => message.envelope_id === 'env-twice')).toHaveLength(2), { timeout: 10_000, interval: 10 });
    await vi.waitFor(() => expect(titles()).toEqual(['Delivered to both']), { timeout: 10_000, interval: 20 });

    // The next commands run on whichever replica gets them.
    socket.sockets[1]!.send(envelope('env-b', 'new "On the second socket"', 'trig-b', `${api.url}response/b`));
    socket.sockets[0]!.send(envelope('env-a', 'new "On the first socket"', 'trig-a', `${api.url}response/a`));
    await vi.waitFor(() => expect(titles()).toHaveLength(3), { timeout: 10_000, interval: 20 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(titles().sort()).toEqual(['Delivered to both', 'On the first socket', 'On the second socket']);
    expect(api.callsTo('response/a')).toHaveLength(1);
    expect(api.callsTo('response/b')).toHaveLength(1);
  }, 90_000);
});
