/**
 * A public reply with what usually comes with it: a macro's text and changes (status, priority,
 * tags) and a status set in the same command (`status:pending`, `hold:3d`), all in one
 * transaction: a refused status change takes the reply back with it. It builds on the reply use
 * case (commentOnTicket) and the status, priority and tag use cases, unchanged.
 */
import type { Status } from '../domain/vocabulary.js';
import type { TicketRow } from '../store/repositories/tickets.js';
import { recordAudit } from './audit.js';
import type { RequestContext } from './context.js';
import type { Conversation } from './conversations.js';
import { invalid } from './errors.js';
import { renderMacroFor, requireMacro, type MacroRow } from './macros.js';
import { attachTags, resolveTagRefs, type TagRow } from './tags.js';
import { requireTicket } from './ticket-records.js';
import { changePriority, changeStatus, commentOnTicket } from './ticket-update.js';

export interface ReplyInput {
  ticketId: number;
  /** Text typed after the options; with a macro it is added below the macro's text. */
  text: string;
  macro?: string;
  /** Overrides the macro's status. */
  status?: Status;
  holdDays?: number;
}

export interface ReplyOutcome {
  ticket: TicketRow;
  commentId: number;
  macro: MacroRow | null;
  /** The status the reply set, if it changed one. */
  statusSet: { status: Status; holdDays?: number } | null;
  prioritySet: boolean;
  tagsAdded: TagRow[];
  /** Where the reply goes to the requester ('none': nowhere deskops can reach them). */
  delivery: Conversation;
}

function tagRef(typed: string): { family: string; value: string } {
  const colon = typed.indexOf(':');
  return { family: typed.slice(0, colon), value: typed.slice(colon + 1).replace(/^"|"$/g, '') };
}

/** Sends a public reply (from a macro, or typed) and applies its status, priority and tags. */
export function replyToTicket(ctx: RequestContext, input: ReplyInput): ReplyOutcome {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, input.ticketId);
    const macro = input.macro ? requireMacro(ctx, input.macro) : null;
    const typed = input.text.trim();
    const body = macro ? [renderMacroFor(ctx, macro, ticket), typed].filter(Boolean).join('\n\n') : typed;
    if (!body) throw invalid('The reply is empty.', `Example: /ticket reply ${ticket.id} status:pending We have sent the fix; does it work for you?`);
    const { commentId, delivery } = commentOnTicket(ctx, ticket.id, 'public', body);
    if (macro) {
      // The detector of duplicate answers leaves macro replies out: they are duplicates on purpose.
      ctx.store.comments.setMacro(commentId, macro.id);
      recordAudit(ctx, { entity: 'ticket', entityId: ticket.id, action: 'ticket.macro', after: { macro: macro.name, commentId, extraText: typed.length > 0 } });
    }
    const status = input.status ?? macro?.setStatus ?? undefined;
    const holdDays = input.status !== undefined ? input.holdDays : (macro?.holdDays ?? undefined);
    let statusSet: ReplyOutcome['statusSet'] = null;
    if (status !== undefined) {
      const current = requireTicket(ctx, ticket.id);
      if (current.status !== status || status === 'hold') {
        changeStatus(ctx, ticket.id, status, status === 'hold' ? holdDays : undefined);
        statusSet = { status, ...(status === 'hold' && holdDays !== undefined ? { holdDays } : {}) };
      }
    }
    const prioritySet = macro?.setPriority ? changePriority(ctx, ticket.id, macro.setPriority).changed : false;
    let tagsAdded: TagRow[] = [];
    if (macro?.addTags && macro.addTags.length > 0) {
      tagsAdded = attachTags(ctx, ticket.id, resolveTagRefs(ctx, macro.addTags.map(tagRef)));
      if (tagsAdded.length > 0) {
        recordAudit(ctx, { entity: 'ticket', entityId: ticket.id, action: 'ticket.tags', after: { added: tagsAdded.map((t) => `${t.family}:${t.name}`), macro: macro.name } });
      }
    }
    return { ticket: requireTicket(ctx, ticket.id), commentId, macro, statusSet, prioritySet, tagsAdded, delivery: delivery ?? { kind: 'none', why: 'not sent' } };
  });
}
