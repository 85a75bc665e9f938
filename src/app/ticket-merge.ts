/**
 * Merging a ticket into another: the timeline, tags, followers and links (split-off tickets, the
 * known issue) move to the surviving ticket; the merged one closes with a link to it, and its
 * requester is told once where the conversation continues.
 */
import type { TicketRow } from '../store/repositories/tickets.js';
import { mergedRequestNotice } from '../views/conversation.js';
import { recordAudit } from './audit.js';
import { actorLabel, type RequestContext } from './context.js';
import { conflict, invalid } from './errors.js';
import { enqueue } from './outbox.js';
import { attachTags, detachTags, tagsOfTicket } from './tags.js';
import { addComment, changeTicket, requireTicket } from './ticket-records.js';

export interface MergeResult {
  from: TicketRow;
  into: TicketRow;
  movedComments: number;
  movedTags: string[];
  movedChildren: number[];
  movedFollowers: number;
  knownIssueMoved: boolean;
}

/** The ticket at the end of `id`'s merge chain, and the chain walked (a merged ticket points at its survivor). */
function survivorOf(ctx: RequestContext, ticket: TicketRow): { survivor: TicketRow; chain: number[] } {
  const chain = [ticket.id];
  let current = ticket;
  while (current.mergedIntoId !== null && chain.length < 100) {
    current = requireTicket(ctx, current.mergedIntoId);
    if (chain.includes(current.id)) break;
    chain.push(current.id);
  }
  return { survivor: current, chain };
}

/** Merges ticket `fromId` into `intoId` (see the module comment). Refuses itself, cycles, merged and closed tickets. */
export function mergeTickets(ctx: RequestContext, fromId: number, intoId: number): MergeResult {
  return ctx.store.transaction(() => {
    if (fromId === intoId) throw invalid(`A ticket cannot be merged into itself (#${fromId}).`, 'Merge a duplicate into the ticket that stays: /ticket merge <duplicate> into <ticket>.');
    const from = requireTicket(ctx, fromId);
    const into = requireTicket(ctx, intoId);
    if (from.mergedIntoId !== null) {
      throw conflict(`#${from.id} was merged into #${from.mergedIntoId} already.`, `/ticket show ${from.mergedIntoId} shows where it went.`);
    }
    const { survivor, chain } = survivorOf(ctx, into);
    if (chain.includes(from.id)) throw conflict(`Merging #${from.id} into #${into.id} would make a cycle (#${chain.join(' → #')}).`);
    if (into.mergedIntoId !== null) {
      throw conflict(`#${into.id} was itself merged into #${survivor.id}.`, `Merge into the ticket that stayed: /ticket merge ${from.id} into ${survivor.id}.`);
    }
    if (into.status === 'closed') throw conflict(`#${into.id} is closed, so nothing can be merged into it.`, `Merge the other way: /ticket merge ${into.id} into ${from.id}.`);
    if (from.status === 'closed') throw conflict(`#${from.id} is closed already; there is nothing left to merge.`, `Its history stays on #${from.id}; link it in a note on #${into.id} if needed.`);
    const by = actorLabel(ctx.actor);
    const now = ctx.clock.now();

    const movedComments = ctx.store.comments.moveToTicket(from.id, into.id);
    // The duplicate-answer detector counts tickets: the moved replies are the survivor's now.
    ctx.store.tickets.moveAnswerRecords(from.id, into.id);
    const fromTags = tagsOfTicket(ctx, from.id);
    const added = attachTags(ctx, into.id, fromTags);
    detachTags(ctx, from.id, fromTags);
    const movedChildren = ctx.store.tickets.reparentChildren(from.id, into.id);
    const movedFollowers = ctx.store.tickets.moveFollowers(from.id, into.id);

    let survivorRow = requireTicket(ctx, into.id);
    const knownIssueMoved = from.knownIssueId !== null && survivorRow.knownIssueId === null;
    if (knownIssueMoved) survivorRow = changeTicket(ctx, survivorRow, { knownIssueId: from.knownIssueId }, 'ticket.known_issue');

    addComment(ctx, into.id, 'internal', `#${from.id} ("${from.title}") was merged into this ticket by ${by}: its ${movedComments} comment${movedComments === 1 ? '' : 's'}, tags and links moved here.`);
    addComment(ctx, from.id, 'internal', `Merged into #${into.id} ("${into.title}") by ${by}; the conversation continues there.`);
    const closed = changeTicket(
      ctx,
      requireTicket(ctx, from.id),
      { status: 'closed', statusChangedAt: now, holdUntil: null, mergedIntoId: into.id, knownIssueId: null },
      'ticket.merged',
    );
    recordAudit(ctx, {
      entity: 'ticket',
      entityId: into.id,
      action: 'ticket.merge_received',
      after: { from: from.id, comments: movedComments, tags: added.map((t) => `${t.family}:${t.name}`), children: movedChildren, followers: movedFollowers },
    });
    enqueue(ctx, {
      dedupeKey: `merged:${from.id}`,
      audience: 'requester',
      channel: `ticket:${from.id}`,
      reply: mergedRequestNotice(from, into),
      ticketId: from.id,
    });
    return {
      from: closed,
      into: requireTicket(ctx, into.id),
      movedComments,
      movedTags: added.map((t) => `${t.family}:${t.name}`),
      movedChildren,
      movedFollowers,
      knownIssueMoved,
    };
  });
}
