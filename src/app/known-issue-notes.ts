/**
 * Status updates on a known issue (on-call's "identified the cause, fix at 14:00"), sent to the
 * agents working its linked tickets, and the partner's reference for the problem.
 */
import type { Tier } from '../domain/vocabulary.js';
import { cleanText, oneLine } from '../views/format.js';
import { knownIssueUpdateNotice } from '../views/known-issues.js';
import { recordAudit } from './audit.js';
import { actorPersonId, type AppContext, type RequestContext } from './context.js';
import { invalid } from './errors.js';
import { requireKnownIssue } from './known-issues.js';
import { enqueue } from './outbox.js';
import { handleOf } from './people.js';

export const MAX_NOTE_LENGTH = 4_000;
export const MAX_PARTNER_REF = 120;

export interface KnownIssueNoteResult {
  noteId: number;
  /** Agents who get the note by DM (assignees of linked active tickets). */
  agents: number[];
  /** Tier queues told about linked active tickets nobody is assigned. */
  tiers: Tier[];
}

/**
 * Adds a status note to known issue `n` (audited as 'known_issue.note') and queues it for the
 * assignee of every linked active ticket (a DM each) and for the queues of linked active tickets
 * without one.
 */
export function addKnownIssueNote(ctx: RequestContext, n: number, text: string): KnownIssueNoteResult {
  return ctx.store.transaction(() => {
    const issue = requireKnownIssue(ctx, n);
    const body = cleanText(text);
    if (!body) throw invalid('The note is empty.', `Example: /known-issue note ${n} Cause identified: the 6.5 token cache; fix deploys at 14:00 UTC.`);
    if (body.length > MAX_NOTE_LENGTH) throw invalid(`That note is ${body.length} characters; the limit is ${MAX_NOTE_LENGTH}.`, 'Keep status notes short; put details in the bug link.');
    const now = ctx.clock.now();
    const noteId = ctx.store.knownIssues.insertNote({ knownIssueId: n, body, authorId: actorPersonId(ctx.actor), createdAt: now });
    ctx.store.knownIssues.touch(n, now);
    const linked = ctx.store.knownIssues.activeLinkedTicketOwners(n);
    const byAgent = new Map<number, number[]>();
    const byTier = new Map<Tier, number[]>();
    for (const t of linked) {
      if (t.assigneeId !== null) byAgent.set(t.assigneeId, [...(byAgent.get(t.assigneeId) ?? []), t.id]);
      else byTier.set(t.tier, [...(byTier.get(t.tier) ?? []), t.id]);
    }
    for (const [personId, ids] of byAgent) {
      if (ctx.actor.kind === 'person' && ctx.actor.personId === personId) continue;
      enqueue(ctx, {
        dedupeKey: `ki-note:${noteId}:person:${personId}`,
        audience: 'staff',
        channel: `person:${personId}`,
        reply: knownIssueUpdateNotice(issue, body, { ticketIds: ids }),
      });
    }
    for (const [tier, ids] of byTier) {
      enqueue(ctx, {
        dedupeKey: `ki-note:${noteId}:tier:${tier}`,
        audience: 'staff',
        channel: `tier:${tier}`,
        reply: knownIssueUpdateNotice(issue, body, { tier, ticketIds: ids }),
      });
    }
    recordAudit(ctx, { entity: 'known_issue', entityId: n, action: 'known_issue.note', after: { noteId, length: body.length, agents: [...byAgent.keys()], tiers: [...byTier.keys()] } });
    return { noteId, agents: [...byAgent.keys()], tiers: [...byTier.keys()] };
  });
}

/** The latest notes on a known issue, newest first. */
export function knownIssueNotesOf(ctx: AppContext, n: number, limit = 5): { body: string; author: string; at: Date }[] {
  return ctx.store.knownIssues
    .latestNotes(n, limit)
    .map((row) => ({ body: row.body, author: handleOf(ctx, row.authorId) ?? 'system', at: row.createdAt }));
}

/** Sets (or with null clears) the partner's reference on known issue `n`. Audited as 'known_issue.partner'. */
export function setKnownIssuePartner(ctx: RequestContext, n: number, ref: string | null): { before: string | null; after: string | null } {
  return ctx.store.transaction(() => {
    const issue = requireKnownIssue(ctx, n);
    const after = ref === null ? null : oneLine(ref);
    if (after !== null && (!after || after.length > MAX_PARTNER_REF)) {
      throw invalid(`A partner reference is 1 to ${MAX_PARTNER_REF} characters.`, `Example: /known-issue partner ${n} ACME-4411`);
    }
    ctx.store.knownIssues.setPartnerRef(n, after, ctx.clock.now());
    recordAudit(ctx, { entity: 'known_issue', entityId: n, action: 'known_issue.partner', before: { partnerRef: issue.partnerRef }, after: { partnerRef: after } });
    return { before: issue.partnerRef, after };
  });
}
