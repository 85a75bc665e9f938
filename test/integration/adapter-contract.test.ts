/**
 * One contract test suite, run against every platform module of adapters/registry.ts with its real
 * protocol peer on loopback (email: an SMTP server; Slack: the Web API stand-in; Rocket.Chat: the
 * server stand-in): configured only by its own variables, not connected before start, ready after
 * it, a public reply reaches the requester's conversation, a staff row is refused there (nothing
 * reaches the peer), render shows the reply's text, and stop resolves (twice, without throwing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AdapterModule, PlatformAdapter, ServicePlatform } from '../../src/adapters/contract.js';
import { adapterEntries } from '../../src/adapters/registry.js';
import { setConversation, type ConversationPlace } from '../../src/app/conversations.js';
import { enqueue } from '../../src/app/outbox.js';
import { loadConfig } from '../../src/config.js';
import { DeliveryError } from '../../src/delivery/sink.js';
import { createDeskops, type Deskops } from '../../src/main.js';
import { outbox } from '../../src/store/schema.js';
import { publicReplyMessage } from '../../src/views/conversation.js';
import { info } from '../../src/views/reply.js';
import { startMailCatcher } from '../doubles/mail.js';
import { startRocketChatServer } from '../doubles/rocketchat-server.js';
import { startSlackApi } from '../doubles/slack-api.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A platform's peer and how to configure deskops against it. */
interface Peer {
  env: Record<string, string>;
  /** Where the requester of the test ticket is answered on this platform. */
  place: ConversationPlace;
  /** Everything the peer received from deskops so far, as text (with where it went). */
  received(): string[];
  /** What a message in that conversation carries: the recipient, the room and the thread. */
  where: string[];
}

const PEERS: Record<ServicePlatform, () => Promise<Peer>> = {
  async email() {
    const catcher = await startMailCatcher();
    cleanups.push(() => catcher.close());
    return {
      env: { DESKOPS_MAIL_FROM: 'support@desk.test', DESKOPS_SMTP_URL: catcher.url, DESKOPS_SMTP_LISTEN: '127.0.0.1:0' },
      place: { platform: 'email', address: 'jane@customer.test', thread: '<q1@customer.test>' },
      received: () => catcher.mails.map((mail) => `${mail.to.join(',')}\n${mail.mail.inReplyTo ?? ''}\n${mail.mail.subject ?? ''}\n${mail.mail.text ?? ''}`),
      where: ['jane@customer.test', '<q1@customer.test>', '[#1] Contract ticket'],
    };
  },
  async slack() {
    const api = await startSlackApi();
    cleanups.push(() => api.close());
    return {
      env: { SLACK_BOT_TOKEN: 'xoxb-contract-1', SLACK_SIGNING_SECRET: 'contract-signing-secret', SLACK_API_URL: api.url, SLACK_BOT_ID: 'B1', SLACK_BOT_USER_ID: 'U0BOT' },
      place: { platform: 'slack', channel: 'C0INTAKE', thread: '1700000000.000100' },
      received: () => api.callsTo('chat.postMessage').map((call) => JSON.stringify(call.args)),
      where: ['"channel":"C0INTAKE"', '"thread_ts":"1700000000.000100"'],
    };
  },
  async rocketchat() {
    const server = await startRocketChatServer({ password: 'contract-password' });
    server.addRoom('GENERAL', 'c');
    cleanups.push(() => server.close());
    return {
      env: { ROCKETCHAT_URL: server.url, ROCKETCHAT_USER: 'deskops', ROCKETCHAT_PASSWORD: 'contract-password' },
      place: { platform: 'rocketchat', channel: 'GENERAL', thread: 'm-contract-1' },
      received: () => server.sent.map((message) => JSON.stringify(message)),
      where: ['"rid":"GENERAL"', '"tmid":"m-contract-1"'],
    };
  },
};

async function running(platform: ServicePlatform): Promise<{ module: AdapterModule; adapter: PlatformAdapter; deskops: Deskops; peer: Peer }> {
  const peer = await PEERS[platform]();
  const dir = mkdtempSync(join(tmpdir(), `deskops-contract-${platform}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = loadConfig({ DESKOPS_DB: join(dir, 'deskops.db'), DESKOPS_ADMINS: 'shell:lead', ...peer.env });
  const entry = adapterEntries({ rocketChat: { backoff: { initialMs: 200, maxMs: 500 } } }).find((e) => e.platform === platform)!;
  expect(entry.configured(config)).toBe(true);
  const module = await entry.load();
  const deskops = createDeskops(config, { logger: pino({ level: 'silent' }), rateLimits: false });
  cleanups.push(() => deskops.close());
  const adapter = module.create({ config, deskops, logger: deskops.logger, port: 0 });
  cleanups.push(() => adapter.stop());
  return { module, adapter, deskops, peer };
}

function rowsFor(deskops: Deskops, key: string) {
  return deskops.app.store.db.select().from(outbox).where(eq(outbox.dedupeKey, key)).all();
}

describe.each(['email', 'slack', 'rocketchat'] as const)('the adapter contract: %s', (platform) => {
  it('is configured by its own variables only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskops-contract-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const bare = loadConfig({ DESKOPS_DB: join(dir, 'd.db') });
    for (const entry of adapterEntries()) expect(entry.configured(bare), entry.platform).toBe(false);
    const module = await adapterEntries().find((e) => e.platform === platform)!.load();
    expect(module.platform).toBe(platform);
    expect(module.configured(bare)).toBe(false);
  });

  it('starts, delivers a public reply to the requester\'s conversation, refuses staff rows there, renders, and stops', { timeout: 30_000 }, async () => {
    const { adapter, deskops, peer } = await running(platform);
    expect(adapter.platform).toBe(platform);
    expect(adapter.health().state).not.toBe('ready');
    await adapter.start();
    await vi.waitFor(() => expect(adapter.health().state).toBe('ready'), { timeout: 15_000, interval: 50 });

    deskops.router.handle({ platform: 'shell', user: { externalId: 'lead', handle: 'lead' }, channel: '#helpdesk', thread: null, text: '/ticket new "Contract ticket" requester:jane@customer.test' });
    deskops.app.store.transaction(() => {
      setConversation(deskops.app, 1, peer.place);
      enqueue(deskops.app, { dedupeKey: 'contract-staff', channel: 'ticket:1', audience: 'staff', reply: info('Internal: the customer is difficult', { ticketId: 1 }), ticketId: 1 });
      enqueue(deskops.app, { dedupeKey: 'contract-reply', channel: 'ticket:1', audience: 'requester', reply: publicReplyMessage(1, 'Please restart the export.', 'Alice Agent (support team)'), ticketId: 1 });
    });
    const before = peer.received().length;

    const [staff] = rowsFor(deskops, 'contract-staff');
    const refused = await adapter.sink.post('ticket:1', staff!.payload, [staff!]).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(DeliveryError);
    expect((refused as DeliveryError).permanent).toBe(true);

    const [reply] = rowsFor(deskops, 'contract-reply');
    await adapter.sink.post('ticket:1', reply!.payload, [reply!]);
    await vi.waitFor(() => expect(peer.received().length).toBe(before + 1), { timeout: 10_000, interval: 20 });
    const delivered = peer.received().slice(before).join('\n');
    expect(delivered).toContain('Please restart the export.');
    for (const mark of peer.where) expect(delivered).toContain(mark);
    expect(delivered).not.toContain('the customer is difficult');

    expect(JSON.stringify(adapter.render(publicReplyMessage(1, 'Rendered text', 'Alice Agent (support team)')))).toContain('Rendered text');
    if (platform === 'email') expect(adapter.render(publicReplyMessage(1, 'x', 'Alice'))).toMatchObject({ subject: '[#1] Contract ticket' });

    await adapter.stop();
    await adapter.stop();
  });
});
