/**
 * Requesters on Rocket.Chat, with the real SDK against the loopback stand-in: a registered user
 * without the support role types every command of the registry in the intake room, in a channel
 * and in their direct message with the bot; reacts to messages; tries `!ticket from`. Each is
 * refused with the one line (or shows their own tickets), nothing is stored but their person row,
 * the audit and the message claims, and nothing any room they are in receives carries staff text.
 * Staff commands typed where a requester reads are answered by direct message with a pointer.
 *
 * These fail when broken on purpose: a user without the role treated as staff, a staff answer
 * posted in the room it was asked in, or a requester's reaction acting like an agent's.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { comments, tickets } from '../../src/store/schema.js';
import { rocketChatRig, said, sentCount, settle, type Cleanups, type RocketChatRig } from '../doubles/rocketchat-rig.js';
import { rcMessage } from '../doubles/rocketchat-server.js';
import { expectOnlyRequesterTraces, snapshotStore } from '../doubles/store-snapshot.js';
import { selectFields, selectRows } from '../doubles/db.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const REFUSAL = /deskops commands are for the support team; to ask for help, /;
const STAFF_ONLY = ['NOTE-SECRET', '5550199', 'ESCALATION-SECRET', 'KI-SECRET', 'HANDOFF-SECRET', 'jane@example.com', 'Login fails after SSO change', 'Invoice shows the wrong VAT'];

const customer = { _id: 'CarolCustomer0001', username: 'carol', name: 'Carol Customer' };
const other = { _id: 'OscarOtherUser001', username: 'oscar', name: 'Oscar Other' };
const agent = { _id: 'AliceAgentUser001', username: 'alice', name: 'Alice Agent' };
const lead = { _id: 'LenaLeadUser00001', username: 'lena', name: 'Lena Lead' };

/** Posts `msg` as `user` in `rid` and waits until deskops has answered (`answers` more messages). */
async function type(rig: RocketChatRig, user: typeof customer, msg: string, rid: string, answers = 1): Promise<Array<Record<string, unknown>>> {
  const before = rig.server.sent.length;
  rig.server.push(said(msg, { rid, u: user }));
  await sentCount(rig.server, before + answers, 5000);
  return rig.server.sent.slice(before);
}

/** A rig with an intake room SUPPORT, a staff-only room STAFF, the customer's DM with the bot, and some staff work done. */
async function deskWithWork(): Promise<RocketChatRig> {
  const rig = await rocketChatRig(cleanups, { env: { DESKOPS_ADMINS: `rocketchat:${lead._id}` } });
  const { server } = rig;
  server.addRoom('SUPPORT', 'c', 'support');
  server.addRoom('STAFF', 'p', 'support-staff');
  server.addRoom('DMCAROL', 'd');
  server.setMembers('STAFF', [agent._id, lead._id]);
  server.setMembers('DMCAROL', [customer._id]);
  for (const user of [agent, lead]) server.addUser(user._id, user.username, user.name);
  for (const user of [customer, other]) server.addUser(user._id, user.username, user.name, ['user']);
  for (const line of [
    '!channel intake add rocketchat:SUPPORT',
    '!ticket new "Login fails after SSO change" requester:jane@example.com priority:high',
    '!ticket note 1 NOTE-SECRET-1: the customer is on 6.4',
    '!ticket new "Invoice shows the wrong VAT" requester:jane@example.com',
    '!oncall contacts set phone +49 30 5550199',
    '!oncall rotation set @lena',
    '!known-issue new "KI-SECRET login loop"',
    '!escalate 1 ESCALATION-SECRET why does the cache loop?',
    '!ticket handoff 2 engagement HANDOFF-SECRET asks about the enterprise plan',
  ]) {
    const [reply] = await type(rig, lead, line, 'STAFF');
    expect(JSON.stringify(reply), line).not.toMatch(/❌|:x:|not run|Sorry/);
  }
  // The customers' questions in the intake room open tickets by themselves (answered in their
  // threads through the outbox); oscar's second message while his is open is offered to staff.
  server.push(rcMessage({ _id: 'carol-q', rid: 'SUPPORT', msg: 'My printer is on fire', u: customer }));
  server.push(rcMessage({ _id: 'oscar-q', rid: 'SUPPORT', msg: 'Someone else asks', u: other }));
  server.push(rcMessage({ _id: 'loose-q', rid: 'SUPPORT', msg: 'Not a ticket yet', u: other }));
  await vi.waitFor(() => expect(selectRows(rig.deskops.app.store, tickets)).toHaveLength(4), { timeout: 5000, interval: 20 });
  await settle();
  expect(selectFields(rig.deskops.app.store, tickets, { title: tickets.title, requester: tickets.requester }).filter((t) => t.requester !== 'jane@example.com')).toEqual([
    { title: 'My printer is on fire', requester: '@carol' },
    { title: 'Someone else asks', requester: '@oscar' },
  ]);
  const mine = ticketOf(rig, 'My printer is on fire');
  await type(rig, lead, `!ticket reply ${mine} PUBLIC-REPLY for carol`, 'STAFF');
  await type(rig, lead, `!ticket note ${mine} NOTE-SECRET-own: carol is difficult`, 'STAFF');
  return rig;
}

function ticketOf(rig: RocketChatRig, title: string): number {
  const row = selectFields(rig.deskops.app.store, tickets, { id: tickets.id }, eq(tickets.title, title))[0];
  if (!row) throw new Error(`no ticket ${title}`);
  return row.id;
}

function expectNoStaffText(messages: ReadonlyArray<Record<string, unknown>>, label: string, typed = ''): void {
  const text = JSON.stringify(messages);
  for (const secret of STAFF_ONLY) if (!typed.includes(secret)) expect(text, `${label}: ${secret}`).not.toContain(secret);
}

describe('a Rocket.Chat user without the support role', () => {
  it('is refused every command in the intake room, a shared channel and their own DM, by the one line; nothing else changes', async () => {
    const rig = await deskWithWork();
    const { server } = rig;
    server.setMembers('GENERAL', [agent._id, customer._id]);
    const lines = rig.deskops.registry.all().flatMap((d) => [d.path.join(' '), ...(d.examples ?? []).slice(0, 1).map((e) => e.replace(/^\//, '').replace(/\b42\b/g, '1'))]);
    const before = snapshotStore(rig.deskops.app);
    let refused = 0;
    for (const [i, line] of lines.entries()) {
      const room = ['SUPPORT', 'GENERAL', 'DMCAROL'][i % 3]!;
      const definition = rig.deskops.registry.match(line.split(' '))?.definition;
      // In their own DM the answer comes there; elsewhere by DM with a pointer in the thread.
      const answers = await type(rig, customer, `!${line}`, room, room === 'DMCAROL' ? 1 : 2);
      const label = `${room}: !${line}`;
      expectNoStaffText(answers, label, line);
      const answer = answers.find((m) => m.rid === (room === 'DMCAROL' ? 'DMCAROL' : 'dm-carol'));
      expect(answer, label).toBeDefined();
      if (room !== 'DMCAROL') expect(JSON.stringify(answers.find((m) => m.rid === room)), label).toContain('I answered you in a direct message');
      if (definition?.requesters) continue;
      expect(JSON.stringify(answer), label).toMatch(REFUSAL);
      refused++;
    }
    expect(refused).toBeGreaterThan(120);
    expectOnlyRequesterTraces(before, snapshotStore(rig.deskops.app), 'carol', /^rocketchat:msg:/, ['chat_cursors']);
  }, 120_000);

  it('sees their own ticket (status and public replies) and nothing of anyone else\'s; `!ticket from` is refused', async () => {
    const rig = await deskWithWork();
    const mine = ticketOf(rig, 'My printer is on fire');
    const [list] = await type(rig, customer, '!ticket list', 'DMCAROL');
    expect(JSON.stringify(list)).toContain(`#${mine} My printer is on fire`);
    expect(JSON.stringify(list)).not.toContain('Someone else asks');
    const [show] = await type(rig, customer, `!ticket show ${mine}`, 'DMCAROL');
    expect(JSON.stringify(show)).toContain('PUBLIC-REPLY for carol');
    expectNoStaffText([list!, show!], 'own view');
    const [theirs] = await type(rig, customer, `!ticket show ${ticketOf(rig, 'Someone else asks')}`, 'DMCAROL');
    expect(JSON.stringify(theirs)).toContain('You have no request');
    const before = snapshotStore(rig.deskops.app);
    const [from] = await type(rig, customer, `!ticket from ${rig.server.url}/channel/support?msg=loose-q`, 'DMCAROL');
    expect(JSON.stringify(from)).toMatch(REFUSAL);
    expectOnlyRequesterTraces(before, snapshotStore(rig.deskops.app), 'ticket from', /^rocketchat:msg:/, ['chat_cursors']);
  }, 30_000);

  it("reacts: :ticket: and :eyes: do nothing, :white_check_mark: on someone else's ticket does nothing, on their own it is solved", async () => {
    const rig = await deskWithWork();
    const { server } = rig;
    const mine = ticketOf(rig, 'My printer is on fire');
    const theirs = ticketOf(rig, 'Someone else asks');
    const before = snapshotStore(rig.deskops.app);
    const sent = server.sent.length;
    server.react('loose-q', ':ticket:', 'carol');
    server.react('carol-q', ':eyes:', 'carol');
    server.react('oscar-q', ':eyes:', 'carol');
    server.react('oscar-q', ':white_check_mark:', 'carol');
    await settle(400);
    expect(server.sent.length).toBe(sent);
    expect(selectRows(rig.deskops.app.store, tickets)).toHaveLength(4);
    expect(selectFields(rig.deskops.app.store, tickets, { s: tickets.status }, eq(tickets.id, theirs))[0]!.s).toBe('open');
    expectOnlyRequesterTraces(before, snapshotStore(rig.deskops.app), 'reactions', /^rocketchat:reaction:/, ['chat_cursors']);

    server.react('carol-q', ':white_check_mark:', 'carol');
    await sentCount(server, sent + 1);
    expect(selectFields(rig.deskops.app.store, tickets, { s: tickets.status }, eq(tickets.id, mine))[0]!.s).toBe('resolved');
    expect(selectRows(rig.deskops.app.store, comments, eq(comments.ticketId, mine)).at(-1)).toMatchObject({ visibility: 'internal', body: 'The requester marked it solved.' });
    expect(server.sent.at(-1)).toMatchObject({ rid: 'SUPPORT', tmid: 'carol-q' });
    expect(JSON.stringify(server.sent.at(-1))).toContain(`#${mine} is marked solved`);
    expectNoStaffText(server.sent.slice(sent), 'reactions');
  }, 30_000);
});

describe('staff commands where a requester reads', () => {
  it('a room made an intake room gets no staff answer in place from then on, though its readers were checked a moment before', async () => {
    const rig = await rocketChatRig(cleanups, { env: { DESKOPS_ADMINS: `rocketchat:${lead._id}` } });
    const { server } = rig;
    server.addRoom('LOBBY', 'c', 'lobby');
    server.setMembers('LOBBY', [lead._id]);
    server.addUser(lead._id, lead.username, lead.name);
    // Only staff in it: answered in place. Naming it in a command has deskops check its readers.
    expect((await type(rig, lead, '!ticket new "Login fails" requester:jane@example.com', 'LOBBY'))[0]).toMatchObject({ rid: 'LOBBY' });
    const made = await type(rig, lead, '!channel intake add rocketchat:LOBBY', 'LOBBY', 2);
    expect(made.find((m) => m.rid === 'LOBBY')?.msg).toMatch(/I answered you in a direct message/);
    const shown = await type(rig, lead, '!ticket show 1', 'LOBBY', 2);
    expect(JSON.stringify(shown.filter((m) => m.rid === 'LOBBY'))).not.toMatch(/jane@example.com|Login fails/);
    expect(JSON.stringify(shown.find((m) => m.rid === 'dm-lena'))).toContain('jane@example.com');
  }, 30_000);

  it('answers by direct message with a pointer in the intake room and in a channel with a requester; in place among staff', async () => {
    const rig = await deskWithWork();
    const { server } = rig;
    server.setMembers('GENERAL', [agent._id, customer._id]);
    for (const room of ['SUPPORT', 'GENERAL']) {
      const answers = await type(rig, agent, '!ticket show 1', room, 2);
      expect(answers.filter((m) => m.rid === room).map((m) => JSON.stringify(m)).join('\n')).not.toMatch(/NOTE-SECRET|jane@example.com|Login fails/);
      expect(JSON.stringify(answers.find((m) => m.rid === 'dm-alice'))).toContain('NOTE-SECRET-1');
      const contacts = await type(rig, agent, '!oncall contacts @lena', room, 2);
      expect(JSON.stringify(contacts.filter((m) => m.rid === room))).not.toContain('5550199');
    }
    const [inPlace] = await type(rig, agent, '!ticket show 1', 'STAFF');
    expect(inPlace).toMatchObject({ rid: 'STAFF' });
    expect(JSON.stringify(inPlace)).toContain('NOTE-SECRET-1');
  }, 30_000);

  it('a staff member who loses the support role is a requester at their next command once the server says so', async () => {
    const rig = await deskWithWork();
    vi.useFakeTimers({ toFake: ['Date'] });
    const [first] = await type(rig, agent, '!sla queue', 'STAFF');
    expect(JSON.stringify(first)).not.toMatch(REFUSAL);
    rig.server.addUser(agent._id, agent.username, agent.name, ['user']);
    vi.setSystemTime(Date.now() + 61_000);
    const answers = await type(rig, agent, '!sla queue', 'STAFF', 1);
    expect(JSON.stringify(answers)).toMatch(REFUSAL);
  }, 30_000);
});
