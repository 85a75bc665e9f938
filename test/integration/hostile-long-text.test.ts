/**
 * Long text at the platforms' limits: a Rocket.Chat message of the server's maximum size (5000
 * characters) and ticket titles up to 100 kB through the router (the shell's path). Each is handled:
 * replies stay within the platform's limits, and nothing typed is lost (an over-long title is
 * shortened and kept whole in the description; text beyond the command limit is refused whole, with
 * the limit, rather than cut).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MAX_MESSAGE_LENGTH, messageLength, type RocketChatMessage } from '../../src/adapters/rocketchat/render.js';
import { MAX_COMMAND_LENGTH } from '../../src/commands/router.js';
import { drainOutbox } from '../../src/delivery/worker.js';
import { comments, tickets } from '../../src/store/schema.js';
import { renderText } from '../../src/views/render-text.js';
import { createTestDesk } from '../doubles/deskops.js';
import { rocketChatRig, said, sentCount, type Cleanups } from '../doubles/rocketchat-rig.js';
import { LIVE_ROCKETCHAT_MASS_MENTION } from '../doubles/mentions.js';
import { selectRow, selectRows } from '../doubles/db.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Words, so the title is shortened at a word boundary as people's titles are. */
function words(length: number, prefix = ''): string {
  let text = prefix;
  for (let i = 0; text.length < length; i++) text += `${i % 7 === 0 ? '@all' : 'word'}${i} `;
  const cut = text.slice(0, length);
  return cut.endsWith(' ') ? `${cut.slice(0, -1)}x` : cut;
}

function expectWithinRocketChat(message: Record<string, unknown>): void {
  const rendered = message as unknown as RocketChatMessage;
  expect(messageLength({ msg: rendered.msg, attachments: rendered.attachments ?? [] })).toBeLessThanOrEqual(DEFAULT_MAX_MESSAGE_LENGTH);
  const shown = JSON.stringify([rendered.msg, ...(rendered.attachments ?? []).map((a) => [a.title, a.text, a.fields, (a.actions ?? []).map((b) => b.text)])]);
  expect(shown).not.toMatch(LIVE_ROCKETCHAT_MASS_MENTION);
}

describe('Rocket.Chat messages of the maximum size', () => {
  it('a 5000-character !ticket new opens the ticket, keeps the whole title, and replies within the limit', async () => {
    const { server, deskops } = await rocketChatRig(cleanups, { level: 'warn' });
    const head = '!ticket new "';
    const title = words(DEFAULT_MAX_MESSAGE_LENGTH - head.length - 1);
    const text = `${head}${title}"`;
    expect(text).toHaveLength(DEFAULT_MAX_MESSAGE_LENGTH);
    server.push(said(text));
    await sentCount(server, 1);
    expectWithinRocketChat(server.sent[0]!);
    const ticket = selectRow(deskops.app.store, tickets)!;
    expect(ticket.title.length).toBeLessThanOrEqual(200);
    expect(ticket.title.endsWith('…')).toBe(true);
    expect(ticket.description).toContain(title);
  });

  it('a 5000-character note is stored whole, and its notification to a Rocket.Chat room stays within the limit', async () => {
    const { server, deskops, engine, rc } = await rocketChatRig(cleanups, { level: 'warn', env: { DESKOPS_ADMINS: 'shell:lead' } });
    server.push(said('!ticket new "Short title"'));
    await sentCount(server, 1);
    const head = '!ticket note 1 ';
    const note = words(DEFAULT_MAX_MESSAGE_LENGTH - head.length, 'Note: ');
    server.push(said(`${head}${note}`));
    await sentCount(server, 2);
    expectWithinRocketChat(server.sent[1]!);
    const stored = selectRows(deskops.app.store, comments).find((c) => c.body.startsWith('Note:'));
    expect(stored?.body).toBe(note);

    // The triage notification for a ticket with a long, mention-laden title, posted by the outbox sink.
    expect(deskops.router.handle({ platform: 'shell', user: { externalId: 'lead', handle: 'lead' }, channel: null, thread: null, text: '/channel set triage rocketchat:GENERAL' }).tone).toBe('success');
    server.push(said(`!ticket new "${words(4000, '@here @all ')}"`));
    await sentCount(server, 3);
    const before = server.sent.length;
    await drainOutbox(engine, deskops.app.clock.now(), rc.sink);
    expect(server.sent.length).toBeGreaterThan(before);
    for (const message of server.sent.slice(before)) expectWithinRocketChat(message);
  });
});

describe('Rocket.Chat messages of the wrong shape or over the limit', () => {
  it('are skipped or answered without a crash, and the next command still runs', async () => {
    const { server, deskops } = await rocketChatRig(cleanups, { level: 'warn' });
    const base = said('!ticket new "Placeholder"');
    const odd = [
      { ...base, _id: 'odd-1', msg: 12345 },
      { ...base, _id: 'odd-2', msg: null },
      { ...base, _id: 'odd-3', u: null },
      { ...base, _id: 'odd-4', u: { username: 'nobody' } },
      { ...base, _id: 'odd-5', rid: 42 },
      { ...base, _id: 'odd-6', ts: 'yesterday' },
      { ...base, _id: 'odd-7', tmid: { $oid: 'x' } },
      // Over the server's limit (a server with a larger Message_MaxAllowedSize, or a bridge), mass mentions included.
      { ...base, _id: 'odd-8', msg: `!ticket new "${words(20_000, '@all \u0007 @here ')}"` },
      { ...base, _id: 'odd-9', msg: `!ticket note 1 ${'\u001b[2J'.repeat(500)}` },
    ];
    for (const message of odd) server.push(message as unknown as ReturnType<typeof said>);
    server.push(said('!whoami'));
    await vi.waitFor(() => expect(server.sent.some((m) => JSON.stringify(m).includes('You are'))).toBe(true), { timeout: 5000, interval: 10 });
    for (const message of server.sent) expectWithinRocketChat(message);
    const rows = selectRows(deskops.app.store, tickets);
    expect(rows.every((t) => t.title.length <= 200)).toBe(true);
  });
});

describe('100 kB ticket titles through the router (the shell and every adapter take this path)', () => {
  it('a 100 kB title is refused whole, naming the limit; nothing is stored', () => {
    const desk = createTestDesk();
    try {
      const title = words(100 * 1024);
      const reply = desk.run(`/ticket new "${title}"`);
      expect(reply.tone).toBe('error');
      expect(reply.title).toContain(`the limit is ${MAX_COMMAND_LENGTH.toLocaleString('en-US')}`);
      expect(reply.text).toMatch(/comment in parts/);
      expect(renderText(reply).length).toBeLessThan(1000);
      expect(selectRows(desk.app.store, tickets)).toHaveLength(0);
    } finally {
      desk.dispose();
    }
  });

  it('the longest title the limits allow is shortened for the title and kept whole in the description', () => {
    const desk = createTestDesk();
    try {
      // The description holds at most 30,000 characters: the whole title goes there.
      const title = words(29_000);
      const reply = desk.run(`/ticket new "${title}"`);
      expect(reply.tone).toBe('success');
      expect(renderText(reply).length).toBeLessThan(2000);
      const ticket = selectRow(desk.app.store, tickets)!;
      expect(ticket.title.length).toBeLessThanOrEqual(200);
      expect(ticket.description).toBe(title);
      // Past the description's room it is refused with the limit, not cut.
      const refused = desk.run(`/ticket new "${words(35_000)}"`);
      expect(refused.tone).toBe('error');
      expect(refused.title).toMatch(/limit is 30000/);
      expect(selectRows(desk.app.store, tickets)).toHaveLength(1);
    } finally {
      desk.dispose();
    }
  });
});
