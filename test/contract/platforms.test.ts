/**
 * Every platform deskops runs on passes the one platform contract (platform-contract.ts): the
 * shell, Slack (the real Bolt receiver against the Web API stand-in) and Rocket.Chat (the real SDK
 * against the server stand-in) and email (the SMTP listener, and the sink against a real SMTP server
 * on loopback). Every module of the registry is configured by its own variables only, and reports
 * itself stopped before it starts.
 */
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { adapterEntries } from '../../src/adapters/registry.js';
import { emailModule } from '../../src/adapters/email/module.js';
import { createShellAdapter } from '../../src/adapters/shell/module.js';
import { answerThere } from '../../src/app/conversations.js';
import { personForRequester } from '../../src/app/people.js';
import { loadConfig } from '../../src/config.js';
import { createDeskopsFor } from '../../src/main.js';
import { storageEnv } from '../doubles/test-engine.js';
import { createInProcessEngine } from '../../src/engine/in-process.js';
import { tickets } from '../../src/store/schema.js';
import { eq } from 'drizzle-orm';
import { createTestDesk, TEST_STAFF_RULES } from '../doubles/deskops.js';
import { startRocketChatServer, rcMessage } from '../doubles/rocketchat-server.js';
import { startSlackApi } from '../doubles/slack-api.js';
import { postToSlackEndpoint, slashCommandBody } from '../doubles/slack-requests.js';
import { insertTicket } from '../doubles/tickets.js';
import { sendMail, startMailCatcher, type EmailAdapter } from '../doubles/mail.js';
import { platformContract } from './platform-contract.js';
import { selectRows, updateRows } from '../doubles/db.js';

const SECRET = 'contract-signing-secret';
/** The PostgreSQL run's databases of the deskops started here, dropped once every adapter of the file has stopped. */
const drops: Array<() => void> = [];
afterAll(() => {
  for (const drop of drops.splice(0)) drop();
});

platformContract({
  platform: 'shell',
  massMentions: false,
  async start() {
    const desk = createTestDesk();
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const adapter = createShellAdapter(desk.engine, { engine: desk.engine, logger: desk.logger, input, output, interactive: false, localUser: 'lead', style: 'plain' });
    await adapter.start();
    return {
      adapter,
      app: desk.app,
      conversationTicket() {
        // A requester only the shell knows: their conversation is the shell's stand-in for a DM.
        const personId = desk.app.store.transaction(() => personForRequester(desk.app, 'shell', { externalId: 'dana', handle: 'dana' }));
        const ticket = insertTicket(desk.app, {});
        updateRows(desk.app.store, tickets, { requester: '@dana', requesterPersonId: personId }, eq(tickets.id, ticket.id));
        return ticket.id;
      },
      delivered: () => printed,
      where: ['@dana'],
      async command(text) {
        const before = printed.length;
        input.write(`${text}\n`);
        await vi.waitFor(() => expect(printed.length).toBeGreaterThan(before), { timeout: 3000, interval: 5 });
        return printed.slice(before);
      },
      async close() {
        await adapter.stop();
        desk.dispose();
      },
    };
  },
});

platformContract({
  platform: 'slack',
  massMentions: true,
  async start() {
    const api = await startSlackApi();
    // UCUST belongs to another organisation: a requester.
    api.on('users.info', (call) => ({ ok: true, user: { id: String(call.args.user), name: String(call.args.user).toLowerCase(), team_id: call.args.user === 'UCUST' ? 'T0OTHER' : 'T1' } }));
    api.on('conversations.info', (call) => ({ ok: true, channel: { id: String(call.args.channel), is_im: String(call.args.channel).startsWith('D') } }));
    const dir = mkdtempSync(join(tmpdir(), 'deskops-contract-'));
    const config = loadConfig({
      ...storageEnv(join(dir, 'deskops.db'), drops),
      DESKOPS_STAFF: TEST_STAFF_RULES,
      SLACK_BOT_TOKEN: 'xoxb-contract',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: api.url,
      SLACK_BOT_ID: 'BBOT',
      SLACK_BOT_USER_ID: 'UBOT',
    });
    const logger = pino({ level: 'silent' });
    const deskops = createDeskopsFor(config, { logger, rateLimits: false });
    const module = await adapterEntries().find((entry) => entry.platform === 'slack')!.load();
    const adapter = module.create({ config, engine: createInProcessEngine(deskops), logger, port: 0 });
    await adapter.start();
    await vi.waitFor(() => expect(adapter.health().state).toBe('ready'), { timeout: 5000, interval: 10 });
    const events = `http://127.0.0.1:${adapter.httpPort!()!}/slack/events`;
    let trigger = 0;
    return {
      adapter,
      app: deskops.app,
      conversationTicket() {
        const ticket = insertTicket(deskops.app, {});
        answerThere(deskops.app, ticket.id, { platform: 'slack', channel: 'C0CUST', thread: '1700000000.000100' });
        return ticket.id;
      },
      delivered: () => JSON.stringify(api.callsTo('chat.postMessage').map((call) => call.args)),
      where: ['"channel":"C0CUST"', '"thread_ts":"1700000000.000100"'],
      async command(text) {
        const id = `contract-${++trigger}`;
        const response = await postToSlackEndpoint(events, slashCommandBody({ command: '/ticket', text: text.replace(/^ticket\s+/, ''), trigger_id: id, user_id: 'UAGENT', user_name: 'agent', response_url: `${api.url}response/${id}` }), { secret: SECRET });
        expect(response.status).toBe(200);
        const answer = await vi.waitFor(
          () => {
            const call = api.callsTo(`response/${id}`)[0];
            if (!call) throw new Error('no answer yet');
            return call;
          },
          { timeout: 5000, interval: 10 },
        );
        return JSON.stringify(answer.args);
      },
      async requesterWrites(text) {
        const before = selectRows(deskops.app.store, tickets).length;
        const body = JSON.stringify({ token: 'legacy', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: `Ev${++trigger}`, event_time: 1_700_000_000, event: { type: 'message', channel: 'D0CUST', channel_type: 'im', user: 'UCUST', text, ts: `1700000${trigger}.000100` } });
        expect((await postToSlackEndpoint(events, body, { secret: SECRET, headers: { 'content-type': 'application/json' } })).status).toBe(200);
        await vi.waitFor(() => expect(selectRows(deskops.app.store, tickets).length).toBeGreaterThan(before), { timeout: 5000, interval: 10 });
      },
      async close() {
        await adapter.stop();
        deskops.close();
        await api.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

platformContract({
  platform: 'rocketchat',
  massMentions: true,
  async start() {
    const server = await startRocketChatServer({ password: 'bot-password-123' });
    server.addRoom('GENERAL', 'c', 'general');
    server.addRoom('SUPPORT', 'c', 'support');
    server.addRoom('DMCUST', 'd');
    server.addUser('u-carol', 'carol', 'Carol Customer', ['user']);
    server.setMembers('DMCUST', ['u-carol']);
    const dir = mkdtempSync(join(tmpdir(), 'deskops-contract-'));
    const config = loadConfig({ ...storageEnv(join(dir, 'deskops.db'), drops), DESKOPS_STAFF: TEST_STAFF_RULES, ROCKETCHAT_URL: server.url, ROCKETCHAT_USER: 'deskops', ROCKETCHAT_PASSWORD: 'bot-password-123' });
    const logger = pino({ level: 'silent' });
    const deskops = createDeskopsFor(config, { logger, rateLimits: false });
    const engine = createInProcessEngine(deskops);
    const entry = adapterEntries({ rocketChat: { healthIntervalMs: 100, healthTimeoutMs: 400, connectTimeoutMs: 300, backoff: { initialMs: 50, maxMs: 200 } } }).find((e) => e.platform === 'rocketchat')!;
    const adapter = (await entry.load()).create({ config, engine, logger });
    await adapter.start();
    await vi.waitFor(() => expect(adapter.health().state).toBe('ready'), { timeout: 5000, interval: 10 });
    let next = 0;
    return {
      adapter,
      app: deskops.app,
      conversationTicket() {
        const ticket = insertTicket(deskops.app, {});
        answerThere(deskops.app, ticket.id, { platform: 'rocketchat', channel: 'SUPPORT', thread: 'root-1' });
        return ticket.id;
      },
      delivered: () => JSON.stringify(server.sent),
      where: ['"rid":"SUPPORT"', '"tmid":"root-1"'],
      async command(text) {
        const before = server.sent.length;
        server.push(rcMessage({ _id: `contract-${++next}`, rid: 'GENERAL', msg: `!${text}`, u: { _id: 'u-alice', username: 'alice' } }));
        await vi.waitFor(() => expect(server.sent.length).toBeGreaterThan(before), { timeout: 5000, interval: 10 });
        return JSON.stringify(server.sent.slice(before));
      },
      async requesterWrites(text) {
        const before = selectRows(deskops.app.store, tickets).length;
        server.push(rcMessage({ _id: `contract-${++next}`, rid: 'DMCUST', msg: text, u: { _id: 'u-carol', username: 'carol' } }));
        await vi.waitFor(() => expect(selectRows(deskops.app.store, tickets).length).toBeGreaterThan(before), { timeout: 5000, interval: 10 });
      },
      async close() {
        await adapter.stop();
        deskops.close();
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

platformContract({
  platform: 'email',
  massMentions: false,
  async start() {
    const catcher = await startMailCatcher();
    const dir = mkdtempSync(join(tmpdir(), 'deskops-contract-'));
    const config = loadConfig({ ...storageEnv(join(dir, 'deskops.db'), drops), DESKOPS_STAFF: TEST_STAFF_RULES, DESKOPS_MAIL_FROM: 'Desk Support <support@desk.test>', DESKOPS_SMTP_URL: catcher.url, DESKOPS_SMTP_LISTEN: '127.0.0.1:0' });
    const logger = pino({ level: 'silent' });
    const deskops = createDeskopsFor(config, { logger, rateLimits: false });
    const adapter = emailModule().create({ config, engine: createInProcessEngine(deskops), logger }) as EmailAdapter;
    await adapter.start();
    await vi.waitFor(() => expect(adapter.health().state).toBe('ready'), { timeout: 5000, interval: 10 });
    const received = () => catcher.mails.map((mail) => `To: ${mail.to.join(',')}\nIn-Reply-To: ${mail.mail.inReplyTo ?? ''}\nSubject: ${mail.mail.subject ?? ''}\n${mail.mail.text ?? ''}`).join('\n');
    let next = 0;
    return {
      adapter,
      app: deskops.app,
      conversationTicket() {
        const ticket = insertTicket(deskops.app, { title: 'Invoice question' });
        answerThere(deskops.app, ticket.id, { platform: 'email', address: 'jane@customer.test', thread: '<q1@customer.test>' });
        return ticket.id;
      },
      delivered: received,
      where: ['To: jane@customer.test', 'In-Reply-To: <q1@customer.test>', 'Subject: [#1] Invoice question'],
      async requesterWrites(text) {
        const before = selectRows(deskops.app.store, tickets).length;
        await sendMail(adapter.smtpPort()!, { from: 'Jane <jane@customer.test>', to: 'support@desk.test', subject: text, text: `${text}\n\nJane`, messageId: `<contract-${++next}@customer.test>` });
        expect(selectRows(deskops.app.store, tickets).length).toBeGreaterThan(before);
      },
      async close() {
        await adapter.stop();
        deskops.close();
        await catcher.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

describe('the platform modules of the registry', () => {
  it('are each configured by their own variables only, and stopped until they start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskops-contract-'));
    try {
      const bare = loadConfig({ DESKOPS_DB: join(dir, 'd.db') });
      const own: Record<string, Record<string, string>> = {
        slack: { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' },
        rocketchat: { ROCKETCHAT_URL: 'http://127.0.0.1:9', ROCKETCHAT_USER: 'deskops', ROCKETCHAT_PASSWORD: 'pw' },
        email: { DESKOPS_MAIL_FROM: 'support@desk.test', DESKOPS_SMTP_URL: 'smtp://127.0.0.1:9' },
      };
      const entries = adapterEntries();
      expect(entries.map((entry) => entry.platform).sort()).toEqual(Object.keys(own).sort());
      for (const entry of entries) {
        expect(entry.configured(bare), entry.platform).toBe(false);
        const config = loadConfig({ ...storageEnv(join(dir, 'd.db'), drops), ...own[entry.platform] });
        for (const other of entries) expect(other.configured(config), `${other.platform} with ${entry.platform}'s variables`).toBe(other === entry);
        const module = await entry.load();
        expect(module.platform).toBe(entry.platform);
        const deskops = createDeskopsFor(config, { logger: pino({ level: 'silent' }), rateLimits: false });
        try {
          const adapter = module.create({ config, engine: createInProcessEngine(deskops), logger: deskops.logger, port: 0 });
          expect(adapter.health().state, entry.platform).toBe('stopped');
          await adapter.stop();
        } finally {
          deskops.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
