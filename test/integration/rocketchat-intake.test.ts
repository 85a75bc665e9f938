/**
 * Rocket.Chat intake, conversations and restarts, with the real SDK against the loopback
 * stand-in: a customer's message in an intake room becomes a ticket by itself (or by `!ticket from
 * <link>` for one written earlier), answered in its thread; what they answer there comes back;
 * :eyes: and :white_check_mark: act on it, each once however often the server re-sends the
 * message; and commands typed while deskops itself was stopped run after it starts again, once.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditEvents, chatCursors, comments, outbox, pendingMessages, ticketThreads, tickets } from '../../src/store/schema.js';
import { rocketChatRig, said, sentCount, settle, type Cleanups, type RocketChatRig } from '../doubles/rocketchat-rig.js';
import { rcMessage } from '../doubles/rocketchat-server.js';
import { createPlatformSink } from '../../src/delivery/platform-sink.js';
import { createWebhookSink } from '../../src/delivery/webhook-sink.js';
import { drainOutbox } from '../../src/delivery/worker.js';
import { selectRow, selectRows } from '../doubles/db.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const customer = { _id: 'u-carol', username: 'carol', name: 'Carol Customer' };
const agent = { _id: 'u-alice', username: 'alice', name: 'Alice Agent' };
// A real Rocket.Chat user id (17 characters): DESKOPS_ADMINS names admins by id, never by username.
const lead = { _id: 'LenaLeadUser00001', username: 'lena', name: 'Lena Lead' };

/** A rig whose SUPPORT room (#support) is an intake room, set by a lead typing in it. */
async function intakeRig(): Promise<RocketChatRig> {
  const rig = await rocketChatRig(cleanups, { env: { DESKOPS_ADMINS: `rocketchat:${lead._id}` } });
  rig.server.addRoom('SUPPORT', 'c', 'support');
  rig.server.addRoom('LOUNGE', 'c', 'lounge');
  for (const user of [agent, lead]) rig.server.addUser(user._id, user.username, user.name);
  // The customer holds no support role: a requester.
  rig.server.addUser(customer._id, customer.username, customer.name, ['user']);
  rig.server.push(said('!channel intake add here', { rid: 'SUPPORT', u: lead }));
  // Customers read the room from now on: the lead's answer goes by DM, with a pointer in the thread.
  await sentCount(rig.server, 2);
  expect(JSON.stringify(rig.server.sent.find((m) => m.rid === 'dm-lena'))).toContain('rocketchat:SUPPORT is now an intake channel');
  expect(JSON.stringify(rig.server.sent.find((m) => m.rid === 'SUPPORT'))).toContain('I answered you in a direct message');
  rig.server.clearRecords();
  return rig;
}

const allTickets = (rig: RocketChatRig) => selectRows(rig.deskops.app.store, tickets);

/** Delivers the outbox through the rig's Rocket.Chat sink, as the scheduler would. */
async function drain(rig: RocketChatRig): Promise<void> {
  const sink = createPlatformSink(rig.engine, { platforms: [{ platform: 'rocketchat', sink: rig.rc.sink }], webhook: createWebhookSink({ url: undefined }) });
  await drainOutbox(rig.engine, new Date(), sink);
}

describe('Rocket.Chat intake rooms', () => {
  it("opens a ticket from a requester's message in an intake room, answered in its thread; a :ticket: on it, or the message re-sent, adds nothing", async () => {
    const rig = await intakeRig();
    const { server } = rig;
    const question = rcMessage({ _id: 'cust-1', rid: 'SUPPORT', msg: 'The export button does nothing\nSince this morning, on Chrome.', u: customer });
    server.push(question);
    await vi.waitFor(() => expect(allTickets(rig)).toHaveLength(1));
    const [ticket] = allTickets(rig);
    expect(ticket).toMatchObject({ title: 'The export button does nothing', requester: '@carol', origin: 'chat' });
    expect(ticket!.requesterPersonId).not.toBeNull();
    expect(ticket!.description).toContain('Since this morning, on Chrome.');
    const thread = selectRows(rig.deskops.app.store, ticketThreads, eq(ticketThreads.ticketId, ticket!.id));
    expect(thread).toContainEqual(expect.objectContaining({ platform: 'rocketchat', channel: 'SUPPORT', thread: 'cust-1', conversation: true }));

    // The customer is told, in their message's thread, by the outbox.
    await drain(rig);
    const told = server.sent.filter((m) => m.rid === 'SUPPORT');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ tmid: 'cust-1' });
    expect(JSON.stringify(told[0])).toContain(`we got your request (#${ticket!.id})`);

    // A :ticket: on it, and the server re-streaming the message with its reactions, add nothing.
    server.react('cust-1', ':ticket:', 'alice');
    server.push({ ...question, reactions: { ':ticket:': { usernames: ['alice', 'lena'] } } });
    await settle();
    await drain(rig);
    expect(allTickets(rig)).toHaveLength(1);
    expect(server.sent).toHaveLength(1);
    expect(selectRows(rig.deskops.app.store, pendingMessages)).toHaveLength(0);
  });

  it('assigns with :eyes: and resolves with :white_check_mark: for staff, each once; the requester\'s own :white_check_mark: marks it solved', async () => {
    const rig = await intakeRig();
    const { server } = rig;
    server.push(rcMessage({ _id: 'cust-2', rid: 'SUPPORT', msg: 'Invoices show the wrong VAT', u: customer }));
    await vi.waitFor(() => expect(allTickets(rig)).toHaveLength(1));
    server.react('cust-2', ':eyes:', 'alice');
    await vi.waitFor(() => expect(allTickets(rig)[0]!.assigneeId).not.toBeNull());
    await sentCount(server, 2);
    // The answer to alice is hers alone: a DM, never the customer's thread.
    expect(JSON.stringify(server.sent.filter((m) => m.rid === 'dm-alice'))).toMatch(/assign/i);
    expect(JSON.stringify(server.sent.filter((m) => m.rid === 'SUPPORT'))).not.toMatch(/assigned/i);
    server.react('cust-2', ':white_check_mark:', 'alice');
    await vi.waitFor(() => expect(allTickets(rig)[0]!.status).toBe('resolved'));
    // The resolve's own posts (alice's DM, the customer's thread) follow its commit: wait for them,
    // or under load they land after the count below (seen once at load 10: 2 counted, 4 sent).
    await sentCount(server, 4);
    await settle();
    const sent = server.sent.length;
    expect(sent).toBe(4);
    // Re-sent with the same reactions: nothing runs or posts again.
    server.react('cust-2', ':eyes:', 'alice');
    await settle();
    expect(server.sent).toHaveLength(sent);

    server.push(rcMessage({ _id: 'cust-3', rid: 'SUPPORT', msg: 'The PDF export is blank', u: customer }));
    await vi.waitFor(() => expect(allTickets(rig)).toHaveLength(2));
    // The requester's :eyes: means nothing; their :white_check_mark: on their own ticket says it is solved.
    server.react('cust-3', ':eyes:', 'carol');
    await settle();
    expect(allTickets(rig)[1]).toMatchObject({ assigneeId: null, status: 'open' });
    server.react('cust-3', ':white_check_mark:', 'carol');
    await vi.waitFor(() => expect(allTickets(rig)[1]!.status).toBe('resolved'));
    const notes = selectRows(rig.deskops.app.store, comments, eq(comments.ticketId, allTickets(rig)[1]!.id));
    expect(notes.map((c) => c.body)).toContain('The requester marked it solved.');
  });

  it('carries the conversation both ways: replies reach the thread, answers come back, edits are noted, a new message is offered', async () => {
    const rig = await intakeRig();
    const { server } = rig;
    server.push(rcMessage({ _id: 'cust-4', rid: 'SUPPORT', msg: 'Password reset mail never arrives', u: customer }));
    await vi.waitFor(() => expect(allTickets(rig)).toHaveLength(1));
    const id = allTickets(rig)[0]!.id;
    await drain(rig);
    server.clearRecords();

    // An agent answers from the agents' room; the reply reaches the customer's thread, signed.
    server.push(said(`!ticket reply ${id} status:pending Check the spam folder, then try again.`, { rid: 'PRIVATE', u: lead }));
    await sentCount(server, 1);
    expect(JSON.stringify(server.sent[0])).toContain('Sent to the requester');
    await drain(rig);
    const reply = server.sent.find((m) => m.rid === 'SUPPORT');
    expect(reply).toMatchObject({ tmid: 'cust-4' });
    expect(JSON.stringify(reply)).toContain('Check the spam folder');
    expect(JSON.stringify(reply)).toContain('Lena Lead (support team)');
    expect(allTickets(rig)[0]!.status).toBe('pending');

    // The customer answers in the thread: their reply, and the ticket is Open again.
    server.push(rcMessage({ _id: 'cust-5', rid: 'SUPPORT', tmid: 'cust-4', msg: 'Not in spam either.', u: customer }));
    await vi.waitFor(() => expect(allTickets(rig)[0]!.status).toBe('open'));
    const timeline = () => selectRows(rig.deskops.app.store, comments, eq(comments.ticketId, id));
    expect(timeline().at(-1)).toMatchObject({ visibility: 'public', body: 'Not in spam either.', authorLabel: '@carol (requester)' });
    // An agent writing in the thread: a public reply, recorded, not posted again.
    const queued = selectRows(rig.deskops.app.store, outbox).length;
    server.push(rcMessage({ _id: 'agent-1', rid: 'SUPPORT', tmid: 'cust-4', msg: 'Checking the mail logs now.', u: agent }));
    await vi.waitFor(() => expect(timeline().at(-1)).toMatchObject({ visibility: 'public', body: 'Checking the mail logs now.', authorLabel: '@alice' }));
    expect(selectRows(rig.deskops.app.store, outbox)).toHaveLength(queued);
    // The customer edits their answer: noted for the agents.
    server.push(rcMessage({ _id: 'cust-5', rid: 'SUPPORT', tmid: 'cust-4', msg: 'Not in spam, nor in trash.', u: customer, editedAt: { $date: Date.now() } } as never));
    await vi.waitFor(() => expect(timeline().at(-1)).toMatchObject({ visibility: 'internal' }));
    expect(timeline().at(-1)!.body).toContain('Not in spam, nor in trash.');

    // A new message outside the thread while the ticket is open: offered to an agent, not guessed.
    server.push(rcMessage({ _id: 'cust-6', rid: 'SUPPORT', msg: 'Also, can I change my login email?', u: customer }));
    await vi.waitFor(() => expect(selectRows(rig.deskops.app.store, pendingMessages)).toHaveLength(1));
    expect(allTickets(rig)).toHaveLength(1);
    const offer = selectRows(rig.deskops.app.store, outbox).find((row) => row.dedupeKey === 'pending-message:1');
    expect(offer).toMatchObject({ audience: 'staff', channel: 'tier:triage' });
    server.push(said('!ticket inbox new 1', { rid: 'PRIVATE', u: lead }));
    await vi.waitFor(() => expect(allTickets(rig)).toHaveLength(2));
    expect(allTickets(rig)[1]).toMatchObject({ title: 'Also, can I change my login email?', requester: '@carol' });
  });

  it('stores a NUL character as U+FFFD on every engine: a requester\'s message and answer, a message opened with `!ticket from`, a command, a message id', async () => {
    const rig = await intakeRig();
    const { server } = rig;
    server.push(rcMessage({ _id: 'cust-\u00007', rid: 'SUPPORT', msg: 'Scanner\u0000offline', u: customer }));
    await vi.waitFor(() => expect(allTickets(rig)).toHaveLength(1));
    const [opened] = allTickets(rig);
    expect(opened).toMatchObject({ title: 'Scanner\uFFFDoffline', description: 'Scanner\uFFFDoffline', requester: '@carol' });
    const timeline = (id: number) => selectRows(rig.deskops.app.store, comments, eq(comments.ticketId, id));
    server.push(rcMessage({ _id: 'cust-8', rid: 'SUPPORT', tmid: 'cust-\u00007', msg: 'Since\u0000noon', u: customer }));
    await vi.waitFor(() => expect(timeline(opened!.id).at(-1)).toMatchObject({ visibility: 'public', body: 'Since\uFFFDnoon' }));
    // The customer is told in their message's thread, by the same ticket.
    await drain(rig);
    const told = server.sent.filter((m) => m.rid === 'SUPPORT');
    expect(told).toHaveLength(1);
    expect(JSON.stringify(told[0])).toContain(`we got your request (#${opened!.id})`);
    server.clearRecords();

    // A message written earlier, opened by an agent with `!ticket from`.
    server.addHistory(rcMessage({ _id: 'cust-9', rid: 'SUPPORT', msg: 'Badge\u0000reader broken', u: customer }));
    server.push(said(`!ticket from ${server.url}/channel/support?msg=cust-9`, { rid: 'PRIVATE', u: agent }));
    await sentCount(server, 2);
    const fromLink = allTickets(rig)[1]!;
    expect(fromLink.title).toBe('Badge\uFFFDreader broken');
    expect(JSON.stringify(server.sent.find((m) => m.rid === 'PRIVATE'))).toContain('Badge\uFFFDreader broken');
    server.clearRecords();

    // A command with a NUL in its text: run, stored and answered as U+FFFD.
    server.push(said(`!ticket note ${opened!.id} toner\u0000low`, { rid: 'PRIVATE', u: agent }));
    await sentCount(server, 1);
    expect(JSON.stringify(server.sent[0])).not.toMatch(/something went wrong/i);
    expect(timeline(opened!.id).at(-1)).toMatchObject({ visibility: 'internal', body: 'toner\uFFFDlow' });
  });

  it('ignores :ticket: outside intake rooms and everyday reactions on messages without a ticket', async () => {
    const rig = await intakeRig();
    const { server } = rig;
    server.push(rcMessage({ _id: 'chat-1', rid: 'LOUNGE', msg: 'Lunch at noon?', u: agent }));
    server.react('chat-1', ':ticket:', 'alice');
    server.react('chat-1', ':eyes:', 'lena');
    await settle();
    expect(allTickets(rig)).toHaveLength(0);
    expect(server.sent).toHaveLength(0);
    expect(server.callsTo('users.info')).toHaveLength(0);
  });

  it('opens a ticket with `!ticket from <link>` typed anywhere, for a message in an intake room', async () => {
    const rig = await intakeRig();
    const { server } = rig;
    server.addHistory(rcMessage({ _id: 'cust-3', rid: 'SUPPORT', msg: 'Password reset mail never arrives', u: customer }));
    const command = said(`!ticket from ${server.url}/channel/support?msg=cust-3`, { rid: 'PRIVATE', u: agent });
    server.push(command);
    await sentCount(server, 2);

    const [ticket] = allTickets(rig);
    expect(ticket).toMatchObject({ title: 'Password reset mail never arrives', requester: '@carol' });
    const [inSource, inCommand] = [server.sent.find((m) => m.rid === 'SUPPORT'), server.sent.find((m) => m.rid === 'PRIVATE')];
    expect(inSource).toMatchObject({ tmid: 'cust-3' });
    expect(inCommand).toMatchObject({ tmid: command._id });
    expect(JSON.stringify(inCommand)).toContain(`Ticket #${ticket!.id} opened from @carol's message`);
    const creator = selectRow(rig.deskops.app.store, auditEvents, eq(auditEvents.action, 'ticket.created'));
    expect(creator).toBeDefined();

    // The same command replayed does nothing; the same link typed again says which ticket it is.
    server.push(command);
    server.push(said('!ticket from cust-3', { rid: 'PRIVATE', u: agent }));
    await sentCount(server, 3);
    await settle();
    expect(server.sent).toHaveLength(3);
    expect(JSON.stringify(server.sent[2])).toContain(`already ticket #${ticket!.id}`);
    expect(allTickets(rig)).toHaveLength(1);
  });

  it('refuses links to rooms that are not intake rooms, unknown messages and non-links, with what to type', async () => {
    const rig = await intakeRig();
    const { server } = rig;
    server.addHistory(rcMessage({ _id: 'lounge-1', rid: 'LOUNGE', msg: 'Internal chatter', u: agent }));
    server.push(said('!ticket from http://chat.example.com/channel/lounge?msg=lounge-1', { u: agent }));
    server.push(said('!ticket from http://chat.example.com/channel/support?msg=nope-404', { u: agent }));
    server.push(said('!ticket from yesterday', { u: agent }));
    server.push(said('!ticket from', { u: agent }));
    await sentCount(server, 4);
    const replies = server.sent.map((m) => JSON.stringify(m));
    expect(replies[0]).toContain('not in an intake room');
    expect(replies[0]).toContain('!channel intake add here');
    expect(replies[1]).toContain('cannot find that message');
    expect(replies[2]).toContain('is not a Rocket.Chat message link');
    expect(replies[3]).toContain('link is missing');
    expect(allTickets(rig)).toHaveLength(0);
  });
});

describe('Rocket.Chat across a restart of deskops', () => {
  it('runs the commands typed while deskops was stopped, once, and nothing from before', async () => {
    const rig = await rocketChatRig(cleanups);
    const { server } = rig;
    server.push(said('!ticket new "Before the restart"'));
    await sentCount(server, 1);
    await vi.waitFor(() => expect(selectRows(rig.deskops.app.store, chatCursors)).toHaveLength(1));

    await rig.rc.stop();
    // Typed while deskops was down: only the room's history has them.
    server.addHistory(said('!ticket new "While stopped"', { ts: { $date: Date.now() + 5 } }));
    server.addHistory(said('just chatting', { ts: { $date: Date.now() + 6 } }));
    await rig.restart();

    await sentCount(server, 2);
    await settle();
    expect(server.sent).toHaveLength(2);
    expect(allTickets(rig).map((t) => t.title)).toEqual(['Before the restart', 'While stopped']);
    const history = server.callsTo('channels.history');
    expect(history[0]!.query).toMatchObject({ roomId: 'GENERAL' });

    // A second restart reads back from the newer cursor and runs nothing again.
    await rig.restart();
    await settle(300);
    expect(server.sent).toHaveLength(2);
    expect(allTickets(rig)).toHaveLength(2);
  });
});

describe('Rocket.Chat on-call pages end to end', () => {
  it('pages the on-call person by @username in the support-dev room, once', async () => {
    const rig = await rocketChatRig(cleanups, { env: { DESKOPS_ADMINS: `rocketchat:${lead._id}` } });
    const { server } = rig;
    const bob = { _id: 'u-bob', username: 'bob', name: 'Bob Oncall' };
    server.addRoom('DEV', 'c', 'support-dev');
    server.addRoom('HELP', 'c', 'helpdesk');
    server.push(said('!whoami', { u: bob }));
    server.push(said('!channel set support-dev rocketchat:DEV', { u: lead }));
    server.push(said('!channel set helpdesk rocketchat:HELP', { u: lead }));
    server.push(said('!channel set triage rocketchat:HELP', { u: lead }));
    server.push(said('!oncall rotation set @bob @lena', { u: lead }));
    server.push(said('!ticket new "Checkout returns 500 for everyone" priority:high', { u: agent }));
    server.push(said('!escalate 1 to:oncall major Is the payment provider down?', { u: lead }));
    await sentCount(server, 7);
    expect(JSON.stringify(server.sent)).not.toContain('✗');
    server.clearRecords();

    const ctx = rig.engine;
    // The same routing as `npm start`: chat rows to Rocket.Chat, the page's webhook row to its sink.
    const sink = createPlatformSink(rig.engine, { platforms: [{ platform: 'rocketchat', sink: rig.rc.sink }], webhook: createWebhookSink({ url: undefined }) });
    const report = await drainOutbox(ctx, new Date(), sink);
    const rows = selectRows(rig.deskops.app.store, outbox);
    expect(report.failed, JSON.stringify(rows.map((r) => [r.channel, r.state, r.lastError]))).toBe(0);
    const page = server.sent.find((m) => m.rid === 'DEV');
    expect(page, JSON.stringify(server.sent)).toBeDefined();
    // Mentioned by username in the text (Rocket.Chat notifies on @username in msg, not in attachments).
    expect(String(page!.msg)).toMatch(/@bob\b/);
    expect(server.sent.filter((m) => m.rid === 'DEV')).toHaveLength(1);
    // Delivered once: draining again sends nothing.
    const again = await drainOutbox(ctx, new Date(Date.now() + 60_000), sink);
    expect(again.sent).toBe(0);
  });
});
