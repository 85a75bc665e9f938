/**
 * The engine's operations for email: one inbound mail taken in (app/mail-inbound.ts, one
 * transaction), deskops' own addresses (the SMTP listener refuses other recipients), and what the
 * email sink asks before and after it sends (app/mail-outbound.ts). The adapter parses, composes and
 * talks SMTP and IMAP; everything that reads or writes the database is here.
 */
import { ownAddresses, takeInMail, type MailOutcome } from '../../app/mail-inbound.js';
import { planMails, recordMailSent, type MailRecipient, type PlannedMail } from '../../app/mail-outbound.js';
import type { EmailConfig } from '../../config.js';
import type { InboundMail } from '../../domain/mail.js';
import type { EngineEnv } from '../env.js';

export type { MailOutcome, MailRecipient, PlannedMail };

export const emailOps = {
  /** Takes in one parsed mail; `envelope`: the SMTP recipients, when the listener has them. */
  takeInMail(env: EngineEnv, email: Pick<EmailConfig, 'from' | 'maxAttachmentBytes'>, mail: InboundMail, envelope: string[] = []): MailOutcome {
    return takeInMail(env.app, email, mail, envelope);
  },

  /** The addresses deskops answers from: every mapped support address and DESKOPS_MAIL_FROM. */
  ownMailAddresses(env: EngineEnv, from: string): string[] {
    return [...ownAddresses(env.app, from)];
  },

  /** Before a batch goes out by mail: its recipient, and each row's ticket facts and whether it went out already. */
  planMails(env: EngineEnv, defaultFrom: string, channel: string, rows: { dedupeKey: string; ticketId: number | null }[]): { recipient: MailRecipient; mails: PlannedMail[] } {
    return planMails(env.app, defaultFrom, channel, rows);
  },

  /** After a mail about a ticket went out. */
  mailSent(env: EngineEnv, messageId: string, ticketId: number, to: string): void {
    recordMailSent(env.app, messageId, ticketId, to);
  },
};
