/**
 * A whole deskops (real router, a real store: a SQLite file in a temp dir, or on the PostgreSQL
 * run a database of its own, test-engine.ts) driven like a chat user would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { SettableClock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDeskopsFor, type Deskops } from '../../src/main.js';
import type { Storage } from '../../src/store/storage.js';
import { storageEnv } from './test-engine.js';
import { createInProcessEngine } from '../../src/engine/in-process.js';
import type { Engine } from '../../src/engine/port.js';
import type { Job } from '../../src/jobs/job.js';
import type { Reply } from '../../src/views/reply.js';
import type { PlatformUser } from '../../src/app/people.js';

export interface TestDesk extends Deskops<Storage> {
  clock: SettableClock;
  dir: string;
  /** The same deskops behind the engine port, in this thread (adapters and delivery take this). */
  engine: Engine;
  /** The configuration it was made from (adapters read the staff rules and platform settings here). */
  config: Config;
  /** Runs a command as `user` (default "lead", an admin) on the shell platform. */
  run(text: string, user?: string, extra?: { idempotencyKey?: string; channel?: string }): Reply;
  /** The reply as one string (title, text, fields, sections), for loose assertions. */
  say(text: string, user?: string): string;
  dispose(): void;
}

/** Flattens a reply into searchable text. */
export function replyText(reply: Reply): string {
  return [
    reply.title,
    reply.text ?? '',
    ...(reply.fields ?? []).map((f) => `${f.label}: ${f.value}`),
    ...(reply.sections ?? []).flatMap((s) => [s.heading ?? '', ...s.lines]),
    ...(reply.buttons ?? []).map((b) => `[${b.label}] ${b.command}`),
    reply.footer ?? '',
  ].join('\n');
}

/**
 * Who is staff in the test desks: full members of the Slack workspace T1 (the Slack stand-in says
 * everyone is, unless a test says otherwise) and Rocket.Chat users with the role "support".
 */
export const TEST_STAFF_RULES = 'slack:team:T1,rocketchat:role:support';

/** A Slack user as the adapter hands them to the router: a full member of T1, staff under TEST_STAFF_RULES. */
export function slackMember(externalId: string, handle: string = externalId.toLowerCase()): PlatformUser {
  return { externalId, handle, facts: { platform: 'slack', teamId: 'T1', enterpriseId: null, teams: [], guest: false, deleted: false, bot: false } };
}

export function createTestDesk(options: { env?: Record<string, string>; now?: string; rateLimits?: boolean; jobs?: readonly Job[] } = {}): TestDesk {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-test-'));
  const clock = new SettableClock(undefined, new Date(options.now ?? '2026-11-23T10:00:00Z'));
  const drops: Array<() => void> = [];
  const config = loadConfig({ ...storageEnv(join(dir, 'deskops.db'), drops), DESKOPS_ADMINS: 'shell:lead', DESKOPS_STAFF: TEST_STAFF_RULES, ...options.env });
  const deskops = createDeskopsFor(config, { clock, logger: pino({ level: 'silent' }), rateLimits: options.rateLimits ?? false });
  const engine = createInProcessEngine({ ...deskops, ...(options.jobs ? { jobs: options.jobs } : {}) });
  const run: TestDesk['run'] = (text, user = 'lead', extra = {}) =>
    deskops.router.handle({
      platform: 'shell',
      user: { externalId: user, handle: user },
      channel: extra.channel ?? '#helpdesk',
      thread: null,
      text,
      ...(extra.idempotencyKey ? { idempotencyKey: extra.idempotencyKey } : {}),
    });
  return {
    ...deskops,
    clock,
    dir,
    engine,
    config,
    run,
    say: (text, user) => replyText(run(text, user)),
    dispose() {
      deskops.close();
      for (const drop of drops) drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
