/**
 * The Rocket.Chat adapter with the real SDK against the loopback stand-in server: login,
 * subscription, commands by prefix and mention, threaded replies, buttons, own messages, replays,
 * a dropped and a silent connection (detected, reconnected with backoff, caught up), a rate limit,
 * and a 10,000-message run that keeps the SDK's listeners and the heap flat with no secret logged.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { identities, seenEvents, tickets } from '../../src/store/schema.js';
import { rocketChatRig, said, sentCount, settle, type Cleanups } from '../doubles/rocketchat-rig.js';
import { selectFields, selectRow, selectRows } from '../doubles/db.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const rig = (level = 'debug') => rocketChatRig(cleanups, { level });

describe('Rocket.Chat adapter (real SDK, loopback server)', () => {
  it('logs in over REST, resumes over DDP and subscribes to the message stream', async () => {
    const { server } = await rig();
    expect(server.callsTo('login')).toHaveLength(1);
    const inbound = server.ddp.filter((f) => f.dir === 'in').map((f) => f.data);
    expect(inbound.find((d) => d.msg === 'method' && d.method === 'login')?.params).toEqual([{ resume: server.authToken }]);
    const sub = inbound.find((d) => d.msg === 'sub');
    expect(sub).toMatchObject({ name: 'stream-room-messages', params: ['__my_messages__', { useCollection: false, args: [] }] });
    expect(server.subscriptionCount()).toBe(1);
  });

  it('creates a ticket from `!ticket new` as the Rocket.Chat user and replies in its thread', async () => {
    const { server, deskops } = await rig();
    const message = said('!ticket new "Login fails"', { u: { _id: 'u-alice', username: 'alice', name: 'Alice Liddell' } });
    server.push(message);
    await sentCount(server, 1);

    const reply = server.sent[0]!;
    expect(reply).toMatchObject({ rid: 'GENERAL', tmid: message._id });
    expect(JSON.stringify(reply)).toContain('Login fails');
    const ticket = selectRow(deskops.app.store, tickets)!;
    expect(ticket).toMatchObject({ title: 'Login fails', chatPlatform: 'rocketchat', chatChannel: 'GENERAL', chatThread: message._id });
    const creator = selectRow(deskops.app.store, identities, eq(identities.personId, ticket.createdBy!));
    expect(creator).toMatchObject({ platform: 'rocketchat', externalId: 'u-alice', handle: 'alice' });
    const post = server.callsTo('chat.sendMessage')[0]!;
    expect(post).toMatchObject({ authToken: server.authToken, userId: server.botId });
  });

  it('runs a button action (a message whose text is the command) in the same thread', async () => {
    const { server, deskops } = await rig();
    const opened = said('!ticket new "Printer on fire"');
    server.push(opened);
    await sentCount(server, 1);
    const actions = (server.sent[0]!.attachments as Array<{ actions?: Array<{ text: string; msg: string; msg_in_chat_window: boolean }> }>).flatMap((a) => a.actions ?? []);
    const assign = actions.find((a) => a.text === 'Assign to me')!;
    expect(assign).toMatchObject({ msg: '!ticket assign 1 me', msg_in_chat_window: true });

    // Clicking posts the button's msg into the room as the clicker, inside the ticket's thread.
    server.push(said(assign.msg, { tmid: opened._id }));
    await sentCount(server, 2);
    expect(server.sent[1]).toMatchObject({ rid: 'GENERAL', tmid: opened._id });
    const ticket = selectRow(deskops.app.store, tickets)!;
    const assignee = selectRow(deskops.app.store, identities, eq(identities.personId, ticket.assigneeId!));
    expect(assignee).toMatchObject({ platform: 'rocketchat', externalId: 'u-alice' });
  });

  it('answers mentions and prefixed commands in channels, groups and DMs, and ignores its own and ordinary messages', async () => {
    const { server } = await rig();
    server.push(said('!help', { u: { _id: server.botId, username: 'deskops' } }));
    server.push(said('hello !everyone, this is !important'));
    server.push(said('!wow'));
    server.push(said('!!!'));
    await settle();
    expect(server.sent).toHaveLength(0);

    server.push(said('@deskops help'));
    server.push(said('!help', { rid: 'PRIVATE' }));
    server.push(said('!ticket list', { rid: 'DM' }));
    await sentCount(server, 3);
    expect(server.sent.map((m) => m.rid)).toEqual(['GENERAL', 'PRIVATE', 'DM']);
    // A family with an unknown subcommand is for the bot: it answers with help rather than staying quiet.
    server.push(said('!ticket frobnicate'));
    await sentCount(server, 4);
    expect(JSON.stringify(server.sent[3])).toContain('frobnicate');
  });

  it('handles a message that arrives right behind the subscription, in the same tick', async () => {
    const { server, rc } = await rig();
    const reconnected = rc.bot.nextConnect();
    const early = said('!ticket new "Right behind ready"');
    server.pushOnSubscribe(early);
    server.dropConnection(4000);
    await reconnected;
    await sentCount(server, 1);
    expect(server.sent[0]).toMatchObject({ tmid: early._id });
  });

  it('runs a replayed message once', async () => {
    const { server, deskops } = await rig();
    const message = said('!ticket new "Replayed"');
    server.push(message);
    server.push(message);
    server.push({ ...message });
    await sentCount(server, 1);
    await settle();
    expect(server.sent).toHaveLength(1);
    expect(selectRows(deskops.app.store, tickets)).toHaveLength(1);
    expect(selectRows(deskops.app.store, seenEvents, eq(seenEvents.key, `rocketchat:msg:${message._id}`))).toHaveLength(1);
  });

  it('detects a dropped connection, reconnects with backoff and catches up a command posted while down, once', async () => {
    const { server, deskops, rc } = await rig();
    const before = said('!ticket new "Before the drop"');
    server.push(before);
    await sentCount(server, 1);

    const reconnected = rc.bot.nextConnect();
    const droppedAt = Date.now();
    server.dropConnection(4000);
    // Posted while the bot is away: only the room's history has it.
    const whileDown = said('!ticket new "While down"');
    server.addHistory({ ...whileDown, ts: { $date: Date.now() + 1 } });
    await reconnected;
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(40); // the backoff, not a hot loop

    await sentCount(server, 2);
    expect(server.sent[1]).toMatchObject({ rid: 'GENERAL', tmid: whileDown._id });
    expect(rc.bot.stats()).toMatchObject({ connects: 2, losses: 1 });
    expect(rc.bot.stats().lastLoss).toMatch(/closed \(4000\)/);
    // A fresh driver, not the SDK's reconnect: exactly one subscription, no duplicates.
    expect(server.subscriptionCount()).toBe(1);
    expect(server.callsTo('channels.history')[0]!.query).toMatchObject({ roomId: 'GENERAL' });
    // The reconnect resumed the token over DDP rather than logging in over REST again.
    expect(server.callsTo('login')).toHaveLength(1);
    expect(server.ddp.filter((f) => f.dir === 'in' && f.data.method === 'login')).toHaveLength(2);

    // The server replays the earlier message after the reconnect: it does not run again.
    server.push(before);
    server.push(said('!help'));
    await sentCount(server, 3);
    await settle();
    expect(server.sent).toHaveLength(3);
    expect(selectFields(deskops.app.store, tickets, { title: tickets.title }).map((t) => t.title)).toEqual(['Before the drop', 'While down']);
  });

  it('logs in again over REST when the server refuses to resume the token after a drop', async () => {
    const { server, rc } = await rig();
    const reconnected = rc.bot.nextConnect();
    server.revokeTokens();
    server.dropConnection(4001);
    await reconnected;
    expect(server.callsTo('login')).toHaveLength(2);
    expect(rc.bot.session()?.authToken).toBe(server.authToken);
    server.push(said('!help'));
    await sentCount(server, 1);
    expect(server.callsTo('chat.sendMessage')[0]!.authToken).toBe(server.authToken);
  });

  it('detects a server that goes silent without closing, and reconnects', async () => {
    const { server, rc } = await rig();
    const reconnected = rc.bot.nextConnect();
    const silentAt = Date.now();
    server.goSilent();
    await reconnected;
    const detectedIn = Date.now() - silentAt;
    expect(detectedIn).toBeLessThan(2000);
    expect(rc.bot.stats().lastLoss).toMatch(/no frame from the server/);
    expect(server.subscriptionCount()).toBe(1);
    server.push(said('!help'));
    await sentCount(server, 1);
  });

  it('gives up on attempts a silent server never answers, and connects once it answers again', async () => {
    const { server, rc } = await rig();
    server.goSilent({ newConnections: true });
    await vi.waitFor(() => expect(rc.bot.stats().losses).toBe(1), { timeout: 2000, interval: 10 });
    // Attempts go unanswered; each is given up after connectTimeoutMs (300 ms) instead of hanging forever.
    await vi.waitFor(() => expect(rc.bot.stats().failedAttempts).toBeGreaterThanOrEqual(2), { timeout: 3000, interval: 10 });
    expect(rc.bot.stats().connects).toBe(1);
    const reconnected = rc.bot.nextConnect();
    server.wake();
    await reconnected;
    expect(rc.bot.stats().connects).toBe(2);
    expect(server.subscriptionCount()).toBe(1);
    server.push(said('!help'));
    await sentCount(server, 1);
  });

  it('retries a reply after the rate limit resets', async () => {
    const { server } = await rig();
    server.rateLimit('chat.sendMessage', 1, 300);
    server.push(said('!help'));
    await sentCount(server, 1, 5000);
    const posts = server.callsTo('chat.sendMessage');
    expect(posts).toHaveLength(2);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(250);
  });

  it('stays flat over 10,000 messages: SDK listeners, heap, and no secret in the logs', { timeout: 90_000 }, async () => {
    setFlagsFromString('--expose_gc');
    const gc = runInNewContext('gc') as () => void;
    const { server, rc, logs } = await rig('debug');
    const TOTAL = 10_000;
    const BATCH = 500;
    let replies = 0;
    let pings = 0;
    const listenerSamples: number[] = [];
    /** 500 messages: chat, a few duplicates, own posts, and one command at the end whose reply marks the batch done. */
    const batch = async () => {
      for (let i = 0; i < BATCH - 1; i++) {
        const m = said(i % 50 === 0 ? '!help' : `ordinary chat line ${i} with some words in it`);
        server.push(m);
        if (i % 100 === 1) server.push(m); // a duplicate delivery
        if (i % 100 === 2) server.push(said('bot echo', { u: { _id: server.botId, username: 'deskops' } }));
        // The SDK answers each server ping through its send(), which leaks one listener per call.
        if (i % 10 === 3) {
          server.serverPing();
          pings += 1;
        }
      }
      server.push(said('!help'));
      replies += Math.ceil((BATCH - 1) / 50) + 1;
      await sentCount(server, replies, 20_000);
      // The stand-in's own records would otherwise count as our heap growth.
      server.clearRecords();
      replies = 0;
      listenerSamples.push(rc.bot.stats().sdkListeners);
    };

    const started = performance.now();
    await batch(); // warm-up: caches, prepared statements, JIT
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const listenersBefore = rc.bot.stats().sdkListeners;
    for (let done = BATCH; done < TOTAL; done += BATCH) await batch();
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    const listenersAfter = rc.bot.stats().sdkListeners;
    const seconds = (performance.now() - started) / 1000;

    console.info(
      `rocketchat 10k: ${seconds.toFixed(1)} s; SDK listeners ${listenersBefore} -> ${listenersAfter} (max ${Math.max(...listenerSamples)} over ${pings} server pings); heap ${(heapBefore / 1e6).toFixed(1)} MB -> ${(heapAfter / 1e6).toFixed(1)} MB; ${logs.lines} log lines`,
    );
    // The SDK leaks a listener per DDP send (here: one per server ping answered); the adapter sweeps
    // them as frames arrive, so the count stays at its base instead of growing with the pings.
    expect(pings).toBeGreaterThanOrEqual(1000);
    expect(listenersAfter).toBeLessThanOrEqual(listenersBefore + 2);
    expect(Math.max(...listenerSamples)).toBeLessThanOrEqual(listenersBefore + 2);
    expect(heapAfter - heapBefore).toBeLessThan(8 * 1024 * 1024);
    expect(seconds).toBeLessThan(60);
    // Handling the messages never kept the server's frames unread long enough to look like a dead connection.
    expect(rc.bot.stats().losses, rc.bot.stats().lastLoss).toBe(0);
    // Debug level: the SDK's login line (token included) and every DDP frame went through the redaction.
    expect(logs.lines).toBeGreaterThan(TOTAL);
    expect(logs.redacted).toBeGreaterThan(0);
    expect(logs.leaks).toEqual([]);
  });
});
