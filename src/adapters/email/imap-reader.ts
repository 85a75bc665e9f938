/**
 * The IMAP reader (DESKOPS_IMAP_URL), with imapflow: it sweeps the mailbox when it connects (mail
 * that came while deskops was down), when the server says new mail exists (IDLE), and every
 * DESKOPS_IMAP_POLL_SECONDS (servers without IDLE, and mail held back). Each mail is taken in
 * first and marked done (moved to DESKOPS_IMAP_DONE_FOLDER, or given a keyword) only after its
 * transaction committed: a crash in between reads it again, and its claimed Message-ID makes the
 * second reading a no-op, so no mail is lost or counted twice. It owns its reconnects and never
 * exits the process.
 */
import { ImapFlow } from 'imapflow';
import type { EmailConfig, ImapConfig } from '../../config-email.js';
import type { AdapterHealth } from '../contract.js';
import type { Logger } from '../../log.js';
import type { MailOutcome } from '../../engine/ops/email.js';
import { mailLimits, type MailEngine } from './smtp-listener.js';
import { parseMail } from './parse.js';

/** The keyword taken-in mail gets when DESKOPS_IMAP_DONE_FOLDER=flag. */
export const DONE_KEYWORD = '$DeskopsDone';

export interface ImapReader {
  health(): AdapterHealth;
  /** Sweeps now (tests; the reader sweeps by itself on new mail and on its poll). Resolves when the sweep is done. */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

export interface ImapReaderDeps {
  engine: Pick<MailEngine, 'takeInMail'>;
  email: EmailConfig;
  imap: ImapConfig;
  logger: Logger;
  onMail?: (outcome: MailOutcome) => void;
  /** Longest wait for connecting (doctor and tests make it small). */
  connectionTimeoutMs?: number;
}

/** Reconnect waits: 1 s, 2 s, 4 s … at most a minute. */
function reconnectDelay(failures: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.min(failures, 6));
}

/** An imapflow client for the configured mailbox, logging nothing (its logs would carry the login). */
export function imapClient(imap: ImapConfig, connectionTimeoutMs = 30_000): ImapFlow {
  return new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
    connectionTimeout: connectionTimeoutMs,
    greetingTimeout: Math.min(connectionTimeoutMs, 16_000),
    // IDLE starts a second after the last command (imapflow waits 15 s by default), so new mail is
    // announced at once; it is restarted every few minutes so a silently dead link is noticed.
    autoIdleDelay: 1000,
    maxIdleTime: 5 * 60_000,
  });
}

/** Starts the reader; it connects in the background and reports its state through `health`. */
export function startImapReader(deps: ImapReaderDeps): ImapReader {
  const { engine, email, imap, logger } = deps;
  let client: ImapFlow | undefined;
  let state: AdapterHealth = { state: 'connecting' };
  let stopped = false;
  let failures = 0;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;
  let sweepAgain = false;
  /** Mails this process could not take in (unreadable, too large): left for a person, not retried every sweep. */
  const skipped = new Set<string>();
  /** Mails held back (a flood), by key: not fetched again before this instant (ms). */
  const heldUntil = new Map<string, number>();

  const markDone = async (flow: ImapFlow, uid: number): Promise<void> => {
    if (imap.done.kind === 'move') await flow.messageMove(String(uid), imap.done.folder, { uid: true });
    else await flow.messageFlagsAdd(String(uid), [DONE_KEYWORD], { uid: true });
  };

  const sweepOnce = async (flow: ImapFlow): Promise<void> => {
    const lock = await flow.getMailboxLock(imap.mailbox);
    try {
      const uids = (await flow.search(imap.done.kind === 'move' ? { all: true } : { unKeyword: DONE_KEYWORD }, { uid: true })) || [];
      for (const uid of uids) {
        if (stopped) return;
        const key = `${flow.mailbox && typeof flow.mailbox === 'object' ? String(flow.mailbox.uidValidity) : ''}:${uid}`;
        if (skipped.has(key) || (heldUntil.get(key) ?? 0) > Date.now()) continue;
        const message = await flow.fetchOne(String(uid), { uid: true, size: true }, { uid: true });
        if (!message) continue;
        if ((message.size ?? 0) > email.maxMessageBytes) {
          skipped.add(key);
          logger.warn({ uid, size: message.size }, `a mail in ${imap.mailbox} is larger than DESKOPS_MAIL_MAX_MESSAGE_BYTES: left there for a person`);
          continue;
        }
        const full = await flow.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
        if (!full || !full.source) continue;
        let outcome: MailOutcome;
        try {
          outcome = await engine.takeInMail(mailLimits(email), await parseMail(full.source));
        } catch (error) {
          skipped.add(key);
          logger.error({ err: error, uid }, `could not take in a mail from ${imap.mailbox}: left there, tried again after a restart`);
          continue;
        }
        deps.onMail?.(outcome);
        // Held back (a flood): it stays in the mailbox and is read again once the sender's limit allows.
        if (outcome.kind === 'held') {
          heldUntil.set(key, Date.now() + outcome.retryAfterMs);
          continue;
        }
        heldUntil.delete(key);
        if (outcome.kind !== 'taken') logger.info({ uid, outcome: outcome.kind, why: 'why' in outcome ? outcome.why : undefined }, 'mail not made a ticket');
        await markDone(flow, uid);
      }
    } finally {
      lock.release();
    }
  };

  const sweep = async (): Promise<void> => {
    if (sweeping) {
      sweepAgain = true;
      return sweeping;
    }
    sweeping = (async () => {
      do {
        sweepAgain = false;
        const flow = client;
        if (!flow || !flow.usable || stopped) return;
        try {
          await sweepOnce(flow);
        } catch (error) {
          logger.warn({ err: error }, 'IMAP sweep failed; the connection is checked and the sweep tried again');
        }
      } while (sweepAgain && !stopped);
    })().finally(() => (sweeping = undefined));
    return sweeping;
  };

  const scheduleReconnect = (why: string) => {
    if (stopped) return;
    state = { state: 'reconnecting', detail: why };
    if (reconnectTimer) return;
    failures++;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, reconnectDelay(failures));
    reconnectTimer.unref();
  };

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const flow = imapClient(imap, deps.connectionTimeoutMs);
    client = flow;
    let opened = false;
    flow.on('error', (error: Error) => logger.warn({ err: error }, 'IMAP connection error'));
    flow.on('close', () => {
      // Before the mailbox opened, the failed connect says why (a refused login) and reconnects.
      if (client === flow && opened) scheduleReconnect('the IMAP connection closed');
    });
    flow.on('exists', () => void sweep());
    try {
      await flow.connect();
      if (imap.done.kind === 'move') {
        try {
          await flow.mailboxCreate(imap.done.folder);
        } catch (error) {
          // It exists already (ALREADYEXISTS): that is the usual case after the first start.
          if (!/exist/i.test(`${(error as { serverResponseCode?: string }).serverResponseCode ?? ''} ${(error as Error).message} ${(error as { responseText?: string }).responseText ?? ''}`)) throw error;
        }
      }
      await flow.mailboxOpen(imap.mailbox);
      opened = true;
      failures = 0;
      state = { state: 'ready' };
      logger.info({ host: imap.host, mailbox: imap.mailbox }, `reading mail from ${imap.mailbox}`);
      await sweep();
    } catch (error) {
      const why = (error as { authenticationFailed?: boolean }).authenticationFailed ? 'the IMAP login was refused' : `could not open ${imap.mailbox}: ${(error as Error).message}`;
      logger.warn({ err: error }, why);
      if (client === flow) {
        flow.close();
        scheduleReconnect(why);
      }
    }
  };

  void connect();
  pollTimer = setInterval(() => void sweep(), imap.pollMs);
  pollTimer.unref();

  return {
    health: () => (stopped ? { state: 'stopped' } : state),
    sweep,
    async stop() {
      stopped = true;
      if (pollTimer) clearInterval(pollTimer);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      pollTimer = undefined;
      const flow = client;
      client = undefined;
      await sweeping?.catch(() => undefined);
      if (flow?.usable) await flow.logout().catch(() => flow.close());
      else flow?.close();
    },
  };
}
