/**
 * WHERE clauses both engines build alike: drizzle's conditions are plain SQL over whichever
 * schema's columns they are given, so SQLite's and PostgreSQL's repositories share them instead
 * of each keeping a copy. Each takes the columns of its own schema's table.
 */
import { and, eq, gte, inArray, isNull, or, type Column, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { AuditFilter } from './repositories/audit.js';
import type { SearchFilter } from './repositories/search.js';
import type { RequesterFilter, TicketCriteria } from './repositories/tickets.js';

/** The ticket columns the list filters read. */
export interface TicketFilterColumns {
  id: Column;
  assigneeId: Column;
  tier: Column;
  team: Column;
  status: Column;
  priority: Column;
  department: Column;
  knownIssueId: Column;
  requester: Column;
  requesterPersonId: Column;
}

/** The condition for tickets from `requester` (by the text stored, or the person deskops knows them as). */
export function requesterCondition(tickets: TicketFilterColumns, requester: RequesterFilter): SQL {
  return requester.personId === null ? eq(tickets.requester, requester.text) : or(eq(tickets.requester, requester.text), eq(tickets.requesterPersonId, requester.personId))!;
}

/**
 * The WHERE clause of a ticket list (undefined: every ticket). `active` is the schema's spelling of
 * the active statuses (SQLite's partial index is only used for that exact text); `taggedTicketIds`
 * selects the ids of the tickets carrying any of the given tags.
 */
export function ticketCriteriaCondition(tickets: TicketFilterColumns, active: SQL, taggedTicketIds: (tagIds: readonly number[]) => SQLWrapper, criteria: TicketCriteria): SQL | undefined {
  const conditions: SQL[] = [];
  if (criteria.assigneeId !== undefined) conditions.push(eq(tickets.assigneeId, criteria.assigneeId));
  if (criteria.unassigned) conditions.push(isNull(tickets.assigneeId));
  if (criteria.tier) conditions.push(eq(tickets.tier, criteria.tier));
  if (criteria.withoutTeam) conditions.push(isNull(tickets.team));
  if (criteria.status === 'active') conditions.push(active);
  else if (criteria.status !== undefined) conditions.push(eq(tickets.status, criteria.status));
  if (criteria.priority) conditions.push(eq(tickets.priority, criteria.priority));
  if (criteria.team) conditions.push(eq(tickets.team, criteria.team));
  if (criteria.department) conditions.push(eq(tickets.department, criteria.department));
  if (criteria.knownIssueId !== undefined) conditions.push(eq(tickets.knownIssueId, criteria.knownIssueId));
  if (criteria.requester !== undefined) conditions.push(requesterCondition(tickets, criteria.requester));
  if (criteria.tagIds !== undefined) conditions.push(inArray(tickets.id, taggedTicketIds(criteria.tagIds) as never));
  return conditions.length > 0 ? and(...conditions) : undefined;
}

/** The conditions a search's filters put on the matching tickets (none: every match counts). */
export function searchFilterConditions(tickets: TicketFilterColumns, taggedTicketIds: (tagIds: readonly number[]) => SQLWrapper, filter: SearchFilter): SQL[] {
  const filters: SQL[] = [];
  if (filter.status !== undefined) filters.push(eq(tickets.status, filter.status));
  if (filter.requester) filters.push(requesterCondition(tickets, filter.requester));
  if (filter.tagIds !== undefined) filters.push(inArray(tickets.id, taggedTicketIds(filter.tagIds) as never));
  return filters;
}

/** The audit event columns an audit filter reads. */
export interface AuditFilterColumns {
  entity: Column;
  entityId: Column;
  at: Column;
  actorId: Column;
}

/** The WHERE clause of an audit page: one ticket's trail (with its escalations'), or everything since an instant (by one actor). */
export function auditFilterCondition(events: AuditFilterColumns, filter: AuditFilter): SQL {
  if ('ticketId' in filter) {
    const own = and(eq(events.entity, 'ticket'), eq(events.entityId, String(filter.ticketId)))!;
    return filter.escalationIds.length > 0 ? or(own, and(eq(events.entity, 'oncall'), inArray(events.entityId, [...filter.escalationIds])))! : own;
  }
  const conditions = [gte(events.at, filter.since)];
  if (filter.actorId !== undefined) conditions.push(eq(events.actorId, filter.actorId));
  return and(...conditions)!;
}
