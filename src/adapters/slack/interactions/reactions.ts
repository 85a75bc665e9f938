/**
 * Reactions as actions, configurable per team: by default :ticket: on a message in an intake
 * channel opens a ticket from it, :eyes: assigns the message's ticket to the reactor and
 * :white_check_mark: resolves it. Each (message, reaction, person) acts at most once.
 */
import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { claimEvent, deliverReply, failureFor, isRequesterUser, releaseEvent, runAs, slackUser } from './common.js';
import { fetchMessage, openTicketFromMessage, permalinkOf, slackToPlain, ticketForMessage } from './messages.js';
import { failure, success } from '../../../views/reply.js';

interface Reacted {
  user: string;
  reaction: string;
  channel: string;
  ts: string;
}

/** Opens a ticket from the reacted message, unless it already has one. */
async function createFromReaction(deps: SlackDeps, client: App['client'], r: Reacted, key: string): Promise<void> {
  if (!(await deps.engine.roomFacts('slack', r.channel)).intake || (await ticketForMessage(deps, r.channel, r.ts)) !== undefined) return;
  // Only staff turn a message into a ticket with a reaction; a requester's :ticket: does nothing.
  const reactor = await slackUser(deps, r.user);
  if (await isRequesterUser(deps, reactor)) return;
  let message;
  try {
    message = await fetchMessage(client, r.channel, r.ts);
  } catch (error) {
    // Usually the bot is not in the channel: say how to fix it instead of failing silently.
    deps.logger.warn({ err: error, channel: r.channel }, 'slack: could not read a reacted message');
    const reply = failure('I could not read that message, so no ticket was opened.', { hint: `Invite me to <#${r.channel}> with /invite, then add the reaction again.` });
    await deliverReply(deps, client, { userId: r.user }, reply);
    return;
  }
  // A reply in a thread that already carries a ticket belongs to that ticket.
  if (!message || (await ticketForMessage(deps, r.channel, r.ts, message.threadTs)) !== undefined) return;
  const text = slackToPlain(message.text);
  const permalink = await permalinkOf(deps, client, r.channel, r.ts);
  const ticket = await openTicketFromMessage(
    deps,
    reactor,
    {
      // The engine makes the title from the message's first line.
      title: '',
      description: text,
      ...(message.user ? { requester: `@${message.user}` } : {}),
      ...(permalink ? { sourceLink: permalink } : {}),
    },
    { channel: r.channel, ts: r.ts, threadTs: message.threadTs, author: message.user },
    key,
  );
  if (!ticket) return;
  // In the requester's thread: for them to read (their own message's title, no internal detail).
  const confirmation = success(`Ticket #${ticket.id} opened from this message: ${ticket.title}`, { text: 'The support team answers in this thread.', ticketId: ticket.id, audience: 'requester' });
  await deliverReply(deps, client, { userId: r.user, channel: r.channel, threadTs: message.threadTs ?? r.ts }, confirmation);
}

/**
 * A requester's :white_check_mark: on their own ticket's message: it is solved. Their other
 * reactions, and this one on anyone else's ticket, do nothing.
 */
async function requesterSolved(deps: SlackDeps, client: App['client'], r: Reacted, ticketId: number, key: string): Promise<void> {
  // The claim and the change share one transaction in the engine.
  const solved = await deps.engine.solvedByRequester('slack', await slackUser(deps, r.user), { channel: r.channel, thread: r.ts }, ticketId, key);
  if (!solved) return;
  await deliverReply(deps, client, { userId: r.user, channel: r.channel, threadTs: r.ts }, success(`Thanks: #${ticketId} is marked solved.`, { text: 'Write here if it comes back.', ticketId, audience: 'requester' }));
}

/** Runs the command a reaction stands for on the message's ticket, answering the reactor privately. */
async function actOnTicket(deps: SlackDeps, client: App['client'], r: Reacted, action: 'assign' | 'resolve', key: string): Promise<void> {
  const ticketId = await ticketForMessage(deps, r.channel, r.ts);
  // :eyes: and :white_check_mark: are everyday reactions: on messages without a ticket they mean nothing here.
  if (ticketId === undefined) return;
  const reactor = await slackUser(deps, r.user);
  if (await isRequesterUser(deps, reactor)) {
    if (action === 'resolve') await requesterSolved(deps, client, r, ticketId, key);
    return;
  }
  if (!(await claimEvent(deps, key))) return;
  const command = action === 'assign' ? `/ticket assign ${ticketId} me` : `/ticket status ${ticketId} resolved`;
  const reply = await runAs(deps, reactor, command, { channel: r.channel, thread: r.ts });
  // Ephemeral at channel level: one inside a thread the reactor has not opened would go unseen.
  await deliverReply(deps, client, { userId: r.user, channel: r.channel }, { ...reply, visibility: 'ephemeral' });
}

/** Registers the reaction_added listener (Bolt acknowledges events before listeners run). */
export function registerReactions(app: App, deps: SlackDeps): void {
  app.event('reaction_added', async ({ event, client, context }) => {
    if (event.item.type !== 'message' || event.user === context.botUserId) return;
    const known = await deps.engine.reaction(event.reaction);
    if (!known) return;
    const { action } = known;
    const r: Reacted = { user: event.user, reaction: event.reaction.split('::')[0]!, channel: event.item.channel, ts: event.item.ts };
    // Not the event id: a reaction removed and added again is a new event but the same request.
    const key = `slack:reaction:${r.channel}:${r.ts}:${r.reaction}:${r.user}`;
    try {
      if (action === 'create-ticket') await createFromReaction(deps, client, r, key);
      else await actOnTicket(deps, client, r, action, key);
    } catch (error) {
      if (action !== 'create-ticket') await releaseEvent(deps, key).catch(() => undefined);
      await deliverReply(deps, client, { userId: r.user }, failureFor(deps, error, `the :${r.reaction}: reaction`));
    }
  });
}
