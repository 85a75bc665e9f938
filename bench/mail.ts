/**
 * Email: inbound mail to ticket through deskops' SMTP listener (nodemailer sends, the 250 comes
 * once the ticket's transaction committed), next to nodemailer -> a bare smtp-server that only
 * reads the mail; and outbound mails/s through the email sink (the outbox worker, rendering,
 * threading, mail_messages) to a local smtp-server, next to nodemailer -> smtp-server alone, both
 * with the same pooled transport settings and the same number of mails in flight.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { emailModule, smtpTransport } from '../src/adapters/email/module.js';
import { loadConfig } from '../src/config.js';
import { drainOutbox } from '../src/delivery/worker.js';
import { createDeskops } from '../src/main.js';
import { createInProcessEngine } from '../src/engine/in-process.js';

export interface MailFigures {
  inbound: { mails: number; p50Ms: number; p99Ms: number; bareP50Ms: number; bareP99Ms: number };
  outbound: { mails: number; perSecond: number; barePerSecond: number; inFlight: number };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** An smtp-server that reads each mail to its end and says 250: the floor any listener stands on. */
async function bareServer(): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        count++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.server.address() as AddressInfo).port, count: () => count, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function client(port: number) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1, maxMessages: Infinity, logger: false });
}

/** Sends `count` mails one after the other; returns each one's time to its 250. */
async function sequentialSends(port: number, count: number, offset: number): Promise<number[]> {
  const transport = client(port);
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await transport.sendMail({ from: `requester${offset + i}@customer.test`, to: 'support@desk.test', subject: `Question ${i}`, text: `Hello, question number ${i}.\n\n-- \nA requester` });
      times.push(performance.now() - started);
    }
  } finally {
    transport.close();
  }
  return times;
}

/** Runs both comparisons; `inbound` and `outbound` mails each. */
export async function benchMail(inbound: number, outbound: number): Promise<MailFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-bench-mail-'));
  const catcher = await bareServer();
  const config = loadConfig({ DESKOPS_DB: join(dir, 'deskops.db'), DESKOPS_ADMINS: 'shell:lead', DESKOPS_MAIL_FROM: 'support@desk.test', DESKOPS_SMTP_LISTEN: '127.0.0.1:0', DESKOPS_SMTP_URL: `smtp://127.0.0.1:${catcher.port}`, DESKOPS_LOG_LEVEL: 'silent' });
  const deskops = createDeskops(config, { logger: pino({ level: 'silent' }), rateLimits: false });
  const engine = createInProcessEngine(deskops);
  const adapter = emailModule().create({ config, engine, logger: deskops.logger }) as ReturnType<ReturnType<typeof emailModule>['create']> & { smtpPort(): number | undefined };
  await adapter.start();
  try {
    // Warm-up: the first mails pay for module loading and prepared statements.
    await sequentialSends(adapter.smtpPort()!, 20, 1_000_000);
    await sequentialSends(catcher.port, 20, 1_000_000);
    const listenerTimes = await sequentialSends(adapter.smtpPort()!, inbound, 0);
    const bareTimes = await sequentialSends(catcher.port, inbound, 0);

    // Outbound: one public reply per ticket opened above, all due at once.
    const tickets = deskops.app.store.sqlite.prepare('SELECT id FROM tickets ORDER BY id LIMIT ?').all(outbound) as { id: number }[];
    for (const { id } of tickets) deskops.router.handle({ platform: 'shell', user: { externalId: 'lead', handle: 'lead' }, channel: '#helpdesk', thread: null, text: `/ticket reply ${id} Thank you, here is the answer to request ${id}.` });
    const queued = (deskops.app.store.sqlite.prepare("SELECT count(*) AS n FROM outbox WHERE state = 'queued' AND audience = 'requester'").get() as { n: number }).n;
    const before = catcher.count();
    const started = performance.now();
    await drainOutbox(engine, new Date(Date.now() + 60_000), adapter.sink, { batchSize: 100 });
    const seconds = (performance.now() - started) / 1000;
    const sent = catcher.count() - before;
    if (sent !== queued) throw new Error(`the sink sent ${sent} of ${queued} mails`);

    // The same number of mails, 100 in flight, straight from nodemailer through the same transport settings.
    const bare = smtpTransport(`smtp://127.0.0.1:${catcher.port}`);
    const bareStarted = performance.now();
    for (let i = 0; i < sent; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, sent - i) }, (_, j) =>
          bare.sendMail({ from: 'support@desk.test', to: `requester${i + j}@customer.test`, subject: `[#${i + j}] Question`, text: 'Thank you, here is the answer.', html: '<p>Thank you, here is the answer.</p>' }),
        ),
      );
    }
    const bareSeconds = (performance.now() - bareStarted) / 1000;
    bare.close();
    return {
      inbound: { mails: inbound, p50Ms: percentile(listenerTimes, 50), p99Ms: percentile(listenerTimes, 99), bareP50Ms: percentile(bareTimes, 50), bareP99Ms: percentile(bareTimes, 99) },
      outbound: { mails: sent, perSecond: sent / seconds, barePerSecond: sent / bareSeconds, inFlight: 100 },
    };
  } finally {
    await adapter.stop();
    deskops.close();
    await catcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
