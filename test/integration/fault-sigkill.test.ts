/**
 * Fault: deskops killed with SIGKILL at random points. Each round starts the real app (the fault
 * child: createDeskops, Bolt's HTTP receiver, the delivery worker) on one database, sends signed
 * slash commands that each queue a notification while the outbox drains to the Slack stand-in,
 * and kills the process at a random instant. A last clean run drains what is left. Then:
 * every command whose 200 the client received is stored, and every queued notification reached
 * Slack exactly once (the stand-in counts accepted posts per dedupe key).
 *
 * DESKOPS_FAULT_ROUNDS sets the rounds. Each costs about 1.5-2 s here, start-up of a Bolt process
 * being most of it, so the default is 30 (under a minute, leaving the 2 shared cores to the other
 * process tests running beside it); 300 rounds took about ten minutes. DESKOPS_FAULT_SEED repeats
 * a run; DESKOPS_FAULT_DEBUG prints each round.
 */
import { TEST_STAFF_RULES } from '../doubles/deskops.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/database.js';
import { handledInvocations, outbox, tickets } from '../../src/store/schema.js';
import { freePort } from '../doubles/free-port.js';
import { buildFaultChild, seededRandom, startFaultChild, type FaultBundle, type FaultChild } from '../doubles/fault-process.js';
import { startSlackWorkspace } from '../doubles/fault-slack.js';
import { postToSlackEndpoint, slashCommandBody } from '../doubles/slack-requests.js';
import { mapChannelsIn } from '../doubles/sink-fixtures.js';

const ROUNDS = Number(process.env.DESKOPS_FAULT_ROUNDS ?? 30);
const SEED = Number(process.env.DESKOPS_FAULT_SEED ?? Date.now() % 1_000_000);
const SECRET = 'fault-secret';
/** Longest life of a round after start-up, before its SIGKILL. */
const MAX_LIFE_MS = 800;
/** Commands in flight at once while a round lives, each sender pausing up to PAUSE_MS between them. */
const SENDERS = 2;
const PAUSE_MS = 40;
/** Start-up takes about a second; on a machine this busy, far longer now and then. */
const READY_TIMEOUT_MS = 60_000;

let bundle: FaultBundle;
beforeAll(async () => {
  bundle = await buildFaultChild();
}, 60_000);
afterAll(() => bundle?.remove());

describe('SIGKILL at random points', () => {
  it(
    `keeps every acknowledged command and delivers every notification exactly once (${ROUNDS} rounds)`,
    async () => {
      const random = seededRandom(SEED);
      const dir = mkdtempSync(join(tmpdir(), 'deskops-fault-kill-'));
      const workspace = await startSlackWorkspace();
      // Most answers come back a little after Slack stored the message: the crash window.
      workspace.answerDelayMs = () => (random() < 0.5 ? Math.floor(random() * 20) : 0);
      const db = join(dir, 'deskops.db');
      let child: FaultChild | undefined;
      const env = (port: number): Record<string, string> => ({
        DESKOPS_DB: db,
        PORT: String(port),
        SLACK_BOT_TOKEN: 'xoxb-fault',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: workspace.api.url,
        SLACK_BOT_ID: 'BBOT',
        SLACK_BOT_USER_ID: 'UBOT',
        DESKOPS_LOG_LEVEL: 'info',
        DESKOPS_FAULT_DELIVERY_MS: '10',
        DESKOPS_FAULT_LEASE_MS: '300',
        // The senders are members of the workspace (the stand-in says so), and flood on purpose.
        DESKOPS_STAFF: TEST_STAFF_RULES,
        DESKOPS_COMMAND_LIMIT: 'off',
        DESKOPS_TICKET_LIMIT: 'off',
      });
      const started = performance.now();
      const acked = new Set<string>();
      let sent = 0;
      let earlierPostsFound = 0;
      try {
        {
          // The schema, and the triage channel mapped as a lead would.
          const store = openStore(db);
          mapChannelsIn({ store, clock: systemClock, settings: loadConfig({ DESKOPS_DB: db }).settings }, { 'tier:triage': 'slack:C0TRIAGE' });
          store.close();
        }
        for (let round = 0; round < ROUNDS; round++) {
          child = await startFaultChild(bundle, env(await freePort()), READY_TIMEOUT_MS).catch((error: unknown) => {
            throw new Error(`round ${round} of ${ROUNDS} (seed ${SEED}): ${String(error)}`);
          });
          const events = `http://127.0.0.1:${child.port}/slack/events`;
          let alive = true;
          const sender = async (lane: number) => {
            for (let n = 0; alive; n++) {
              const trigger = `r${round}-l${lane}-n${n}`;
              sent++;
              const body = slashCommandBody({ command: '/ticket', text: `new "fault ${trigger}"`, trigger_id: trigger, response_url: `${workspace.api.url}response/${trigger}` });
              try {
                const answer = await postToSlackEndpoint(events, body, { secret: SECRET });
                if (answer.status === 200) acked.add(trigger);
              } catch {
                // Killed mid-request: not acknowledged, so Slack would retry it; this client does not.
              }
              await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * PAUSE_MS)));
            }
          };
          const senders = Array.from({ length: SENDERS }, (_, lane) => sender(lane));
          await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * MAX_LIFE_MS)));
          await child.kill();
          alive = false;
          await Promise.all(senders);
          earlierPostsFound += child.stderr().split('found an earlier post').length - 1;
          if (process.env.DESKOPS_FAULT_DEBUG) console.info(`round ${round}: acked ${acked.size}, posts ${workspace.messages.length}, history ${workspace.api.callsTo('conversations.history').length}`);
        }

        // A clean run delivers what the kills left behind, then stops on SIGTERM.
        child = await startFaultChild(bundle, env(await freePort()), READY_TIMEOUT_MS);
        const check = openStore(db, { migrate: false });
        try {
          const deadline = Date.now() + 30_000;
          while (check.db.select().from(outbox).all().some((row) => row.state === 'queued')) {
            if (Date.now() > deadline) throw new Error('the outbox did not drain within 30 s');
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          child.process.kill('SIGTERM');
          expect(await child.exited).toBe(0);
          earlierPostsFound += child.stderr().split('found an earlier post').length - 1;

          const stored = new Set(check.db.select({ key: handledInvocations.key }).from(handledInvocations).all().map((row) => row.key));
          const titles = new Set(check.db.select({ title: tickets.title }).from(tickets).all().map((row) => row.title));
          const missing = [...acked].filter((trigger) => !stored.has(`slack:command:${trigger}`) || !titles.has(`fault ${trigger}`));
          expect(missing).toEqual([]);

          const rows = check.db.select().from(outbox).all();
          expect(rows.length).toBe(titles.size);
          expect(rows.filter((row) => row.state !== 'sent')).toEqual([]);
          const perKey = workspace.postsPerKey();
          const twice = [...perKey].filter(([, n]) => n > 1);
          const never = rows.filter((row) => !perKey.has(row.dedupeKey)).map((row) => row.dedupeKey);
          expect(twice).toEqual([]);
          expect(never).toEqual([]);
          expect(perKey.size).toBe(rows.length);

          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          console.info(
            `fault-sigkill: seed ${SEED}, ${ROUNDS} rounds in ${seconds} s; ${sent} commands sent, ${acked.size} acknowledged, ${titles.size} stored; ` +
              `${rows.length} notifications in ${workspace.messages.length} posts, each once; ${earlierPostsFound} earlier post(s) found after a kill`,
          );
        } finally {
          check.close();
        }
      } finally {
        await child?.kill();
        await workspace.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    Math.max(120_000, ROUNDS * 6_000),
  );
});
