/**
 * The contract every platform adapter passes (src/adapters/contract.ts), written once and run
 * against each platform on its loopback stand-in (the shell, Slack, Rocket.Chat, email): it starts
 * and stops cleanly and says how it is; it renders a reply for the requester whole and inert; its
 * sink delivers a requester's message into their conversation on that platform and refuses a
 * staff-only one there; and, where the platform has them, a staff command is answered and a
 * requester's message opens a ticket.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { PlatformAdapter } from '../../src/adapters/contract.js';
import type { TestAppContext } from '../doubles/context.js';
import { DeliveryError, type OutboxRow } from '../../src/delivery/sink.js';
import { tickets } from '../../src/store/schema.js';
import { publicReplyMessage } from '../../src/views/conversation.js';
import { warning } from '../../src/views/reply.js';
import { outboxRow } from '../doubles/sink-fixtures.js';
import { selectRow, selectRows } from '../doubles/db.js';

/** One platform, running against its stand-in. */
export interface ContractRig {
  adapter: PlatformAdapter;
  app: TestAppContext;
  /** A ticket whose requester's conversation is on this platform. */
  conversationTicket(): number;
  /** Everything the platform's stand-in received, as text. */
  delivered(): string;
  /** What a message in the ticket's conversation carries there: its recipient, room, thread or subject. */
  where: string[];
  /** Runs a command as a staff member the way the platform sends it; resolves with the answer's text. */
  command?(text: string): Promise<string>;
  /** A requester's new message, the way the platform sends it (a DM, an intake channel, a mail). */
  requesterWrites?(text: string): Promise<void>;
  close(): Promise<void>;
}

export interface ContractSubject {
  platform: string;
  /** The platform notifies everyone for @here and the like (chat does; a terminal and a mail do not). */
  massMentions: boolean;
  start(): Promise<ContractRig>;
}

const BIDI = '\u202E';

function rowFor(app: TestAppContext, ticketId: number, extra: Partial<OutboxRow>): OutboxRow {
  return outboxRow(app.clock.now(), `contract:${ticketId}:${extra.audience ?? 'staff'}:${Math.random()}`, { channel: `ticket:${ticketId}`, ticketId, ...extra });
}

/** Registers the contract's tests for `subject`. */
export function platformContract(subject: ContractSubject): void {
  describe(`the platform contract: ${subject.platform}`, () => {
    const withRig = async (test: (rig: ContractRig) => Promise<void>) => {
      const rig = await subject.start();
      try {
        await test(rig);
      } finally {
        await rig.close();
      }
    };

    it('starts, says how it is, and stops cleanly', () =>
      withRig(async ({ adapter }) => {
        expect(['ready', 'connecting', 'reconnecting']).toContain(adapter.health().state);
        await expect(adapter.stop()).resolves.toBeUndefined();
        expect(adapter.health().state).toBe('stopped');
        await expect(adapter.stop(), 'a second stop').resolves.toBeUndefined();
      }));

    it("renders a reply for the requester whole: the agent's signature and text, no bidi controls, no live mass mention", () =>
      withRig(async ({ adapter }) => {
        const rendered = JSON.stringify(await adapter.render(publicReplyMessage(7, `Try the export again ${BIDI}today @here`, 'Alice Agent (support team)')));
        expect(rendered).toContain('Alice Agent (support team)');
        expect(rendered).toContain('Try the export again');
        expect(rendered).not.toContain(BIDI);
        if (subject.massMentions) expect(rendered).not.toMatch(/(?<![\w\u200d])@here\b|<!here>/);
      }));

    it("delivers a message for the requester into their conversation, and refuses a staff-only one there", () =>
      withRig(async ({ adapter, app, conversationTicket, delivered, where }) => {
        const id = conversationTicket();
        const reply = publicReplyMessage(id, 'The corrected invoice is attached.', 'Alice Agent (support team)');
        await adapter.sink.post(`ticket:${id}`, reply, [rowFor(app, id, { audience: 'requester', payload: reply })]);
        expect(delivered()).toContain('The corrected invoice is attached.');
        for (const mark of where) expect(delivered(), mark).toContain(mark);
        const note = warning('Escalated: customer is on the old price list', { visibility: 'channel', ticketId: id });
        const refused = await adapter.sink.post(`ticket:${id}`, note, [rowFor(app, id, { audience: 'staff', payload: note })]).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(refused).toBeInstanceOf(DeliveryError);
        expect((refused as DeliveryError).permanent).toBe(true);
        expect(delivered()).not.toContain('old price list');
      }));

    it('answers a staff command where the platform takes commands', () =>
      withRig(async (rig) => {
        if (!rig.command) return;
        expect(await rig.command('ticket new "Contract check" priority:high')).toMatch(/#\d+ opened|Ticket #\d+/);
      }));

    it("opens a ticket from a requester's new message where the platform takes them", () =>
      withRig(async (rig) => {
        if (!rig.requesterWrites) return;
        const before = selectRows(rig.app.store, tickets).length;
        await rig.requesterWrites('The export button does nothing since this morning');
        const opened = selectRows(rig.app.store, tickets).slice(before);
        expect(opened).toHaveLength(1);
        expect(opened[0]!.title).toContain('The export button does nothing');
        expect(selectRow(rig.app.store, tickets, eq(tickets.id, opened[0]!.id))).toBeDefined();
      }));
  });
}
