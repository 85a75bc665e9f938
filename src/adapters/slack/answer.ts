/**
 * The tail every acknowledged Slack request shares: run the Invocation through the router, render
 * the Reply as Block Kit and answer through the request's response_url.
 */
import type { RespondArguments } from '@slack/bolt';
import { DatabaseBusyError, storeLockedWhole } from '../../app/errors.js';
import type { Invocation } from '../../commands/invocation.js';
import type { PreparedText } from '../../commands/prepare.js';
import { handleRetrying } from '../../commands/retry.js';
import type { Reply } from '../../views/reply.js';
import { renderBlocks } from './render.js';
import { uploadReplyChart } from './upload.js';
import type { SlackDeps } from './deps.js';

/**
 * Whether a reply meant for the channel may be posted there for everyone: a reply for staff only
 * where no requester reads (see conversations.ts); anywhere else it goes to the asker alone.
 */
export async function mayShowInChannel(deps: Pick<SlackDeps, 'conversations'>, reply: Reply, channel: string | null | undefined, thread?: string | null): Promise<boolean> {
  if (reply.visibility !== 'channel' || !channel) return false;
  if (reply.audience === 'requester') return true;
  return (await deps.conversations.readers(channel, thread)) === 'staff';
}

/** Posts an answer to the person (a request's response_url: see response-url.ts). */
export type Answer = (message: string | RespondArguments) => Promise<unknown>;

/** How long a command may wait for a database lock before its ack; the rest of Slack's 3 s is the network's. */
export const BEFORE_ACK_BUSY_WAIT_MS = 200;
/**
 * How long a command keeps trying before its ack while PostgreSQL's connection is lost (a server
 * restart, a failover) or rows it writes are locked by another replica: a short outage or lock ends
 * before the ack, so the 200 still means stored; a longer one is acknowledged and retried after the
 * ack, as SQLite's lock is. Of Slack's 3 s, the rest is for the last try, which may queue behind
 * other commands on a busy replica (the benchmark at 200/s on two replicas), and the network.
 */
export const BEFORE_ACK_RETRY_MS = 1_500;
const RETRY_PAUSE_MS = 150;

/**
 * Runs `invocation` and posts the reply to `respond`.
 *
 * With `ack`, the command runs first and the ack follows its commit: a 200 that Slack (and the
 * user) saw means the command is stored, even if the process is killed a moment later. Commands
 * take milliseconds; only a database locked by another writer could hold the ack, so the run before
 * the ack waits at most BEFORE_ACK_BUSY_WAIT_MS for the lock. A whole SQLite database locked (a
 * backup, a script) is acknowledged and retried after the ack (then, and only then, a kill before
 * the retry commits loses an acknowledged command). PostgreSQL's row locks and conflicts, held by
 * another replica's transaction for milliseconds (longer only on a starved machine), and a lost
 * connection are tried again before the ack for up to BEFORE_ACK_RETRY_MS (1.5 s), so the 200 still means
 * stored. Without `ack`, the request was acknowledged already.
 *
 * A response_url that refuses the answer is logged, never thrown: the command has taken effect.
 *
 * Retries: the router checks and records the idempotencyKey (handled_invocations) inside the
 * command's own transaction, and the engine runs one command at a time on its commands thread, so
 * a retry that arrives while the first attempt is still in flight (awaiting its ack or its
 * response_url) cannot interleave with it: whichever runs second finds the committed row and gets
 * the stored reply. That holds for one deskops process per database.
 *
 * A database locked by another writer (a backup, a shell, a script) is retried with backoff off
 * the ack path (handleRetrying): the ack is out already, other requests keep being acknowledged,
 * and after about 20 s the user is told the command was not run, with nothing half written.
 */
export async function runAndRespond(deps: SlackDeps, invocation: Invocation, respond: Answer, ack?: () => Promise<void>, prepared?: PreparedText): Promise<Reply> {
  let reply: Reply | undefined;
  const read = prepared ? { prepared } : {};
  if (ack) {
    const started = Date.now();
    for (;;) {
      try {
        reply = await deps.engine.handle(invocation, { onBusy: 'throw', busyWaitMs: BEFORE_ACK_BUSY_WAIT_MS, ...read });
        break;
      } catch (error) {
        if (!(error instanceof DatabaseBusyError)) {
          await ack();
          throw error;
        }
        // SQLite locked by another writer: ack now and retry after it. PostgreSQL's rows locked, or its connection lost: try again before the ack while it is short.
        if (storeLockedWhole(error.cause) || Date.now() - started + RETRY_PAUSE_MS > BEFORE_ACK_RETRY_MS) break;
        await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
      }
    }
    await ack();
  }
  reply ??= await handleRetrying(deps.engine, invocation, { logger: deps.logger, ...read });
  const { text, blocks } = renderBlocks(reply);
  const inChannel = await mayShowInChannel(deps, reply, invocation.channel, invocation.thread);
  try {
    await respond({ response_type: inChannel ? 'in_channel' : 'ephemeral', replace_original: false, text, blocks });
  } catch (error) {
    deps.logger.warn({ err: error, user: invocation.user.externalId, key: invocation.idempotencyKey }, 'slack response_url refused the reply');
  }
  // A response_url carries no files: the chart goes to the channel the command came from when the
  // reply may be read there (the answer was ephemeral for staff alone, the channel only staff read),
  // and to the asker's direct message where requesters read (a known issue's title is staff text).
  if (reply.chart && invocation.channel) {
    const here = inChannel || reply.audience === 'requester' || (await deps.conversations.readers(invocation.channel, invocation.thread)) === 'staff';
    const target = here ? invocation.channel : await directMessage(deps, invocation.user.externalId);
    if (target) await uploadReplyChart(deps.client, deps.engine, reply, target, here ? (invocation.thread ?? undefined) : undefined, deps.logger);
  }
  return reply;
}

/** The id of the bot's direct message with `user`, or undefined (logged) when Slack will not open it. */
async function directMessage(deps: Pick<SlackDeps, 'client' | 'logger'>, user: string): Promise<string | undefined> {
  try {
    return (await deps.client.conversations.open({ users: user })).channel?.id;
  } catch (error) {
    deps.logger.warn({ err: error, user }, 'slack: no direct message for the chart; the answer went out without it');
    return undefined;
  }
}
