import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/app/context.js';
import {
  createKnownIssue,
  findMatchingKnownIssues,
  linkTickets,
  listKnownIssues,
  setKnownIssueStatus,
  showKnownIssue,
  unlinkTicket,
} from '../../src/app/known-issues.js';
import { KNOWN_ISSUE_FAMILY, listTaxonomy, tagsOfTicket } from '../../src/app/tags.js';
import { tagTaxonomy, tagTicket } from '../../src/app/ticket-tagging.js';
import { knownIssues, tags, tickets } from '../../src/store/schema.js';
import { auditActions, auditTrail } from '../doubles/audit.js';
import { actAs, createTestApp, type TestApp } from '../doubles/context.js';
import { insertTicket } from '../doubles/tickets.js';
import { thrown } from '../doubles/errors.js';
import { selectRow, selectRows, updateRows } from '../doubles/db.js';

let t: TestApp;
let ctx: RequestContext;
beforeEach(() => {
  t = createTestApp();
  ctx = actAs(t.app, 'alice');
});
afterEach(() => t.close());

const ticketRow = (id: number) => selectRow(t.app.store, tickets, eq(tickets.id, id))!;
const knownTagsOf = (id: number) => tagsOfTicket(t.app, id).filter((tag) => tag.family === KNOWN_ISSUE_FAMILY).map((tag) => tag.name);
const newTickets = (count: number, tagList: string[] = ['area:Authentication']) =>
  Array.from({ length: count }, (_, i) => insertTicket(t.app, { title: `SSO ${i + 1}`, tags: tagList }).id);

describe('createKnownIssue', () => {
  it('opens an Investigating issue numbered from 1, with its audit event', () => {
    const issue = createKnownIssue(ctx, { title: '  Login loop after the\nSSO update ', bugUrl: 'https://github.com/acme/chat/issues/9' });
    expect(issue).toMatchObject({ id: 1, label: 'KI-1', title: 'Login loop after the SSO update', status: 'investigating', tagName: '1-login-loop-sso', linkedCount: 0 });
    expect(issue.bugUrl).toBe('https://github.com/acme/chat/issues/9');
    const [event] = auditTrail(t.app, 'known_issue', 1);
    expect(event).toMatchObject({ action: 'known_issue.created', actorLabel: '@alice', after: { title: 'Login loop after the SSO update', status: 'investigating' } });
    expect(createKnownIssue(ctx, { title: 'Push delayed' }).label).toBe('KI-2');
  });

  it('refuses an empty title, an overlong one and a bug that is not a link', () => {
    expect(thrown(() => createKnownIssue(ctx, { title: ' ?! ' })).code).toBe('INVALID');
    expect(thrown(() => createKnownIssue(ctx, { title: 'x'.repeat(201) })).code).toBe('INVALID');
    expect(thrown(() => createKnownIssue(ctx, { title: 'Crash', bugUrl: 'ftp://x' })).code).toBe('INVALID');
    expect(selectRows(t.app.store, knownIssues)).toHaveLength(0);
  });

  it('refuses a second unresolved issue with the same title, pointing at the first', () => {
    createKnownIssue(ctx, { title: 'Login loop' });
    const error = thrown(() => createKnownIssue(ctx, { title: 'login LOOP' }));
    expect(error.code).toBe('CONFLICT');
    expect(error.hint).toContain('/known-issue link 1');
    setKnownIssueStatus(ctx, 1, 'resolved');
    expect(createKnownIssue(ctx, { title: 'Login loop' }).id).toBe(2);
  });
});

describe('listKnownIssues and showKnownIssue', () => {
  it('lists unresolved issues newest first with linked counts; all adds resolved ones', () => {
    createKnownIssue(ctx, { title: 'One' });
    createKnownIssue(ctx, { title: 'Two' });
    createKnownIssue(ctx, { title: 'Three' });
    linkTickets(ctx, 1, newTickets(2));
    setKnownIssueStatus(ctx, 2, 'resolved');
    expect(listKnownIssues(t.app).map((i) => [i.label, i.linkedCount])).toEqual([
      ['KI-3', 0],
      ['KI-1', 2],
    ]);
    expect(listKnownIssues(t.app, { all: true }).map((i) => i.label)).toEqual(['KI-3', 'KI-2', 'KI-1']);
  });

  it('shows an issue with its linked tickets and their status', () => {
    createKnownIssue(ctx, { title: 'Login loop' });
    const [a, b] = newTickets(2);
    updateRows(t.app.store, tickets, { status: 'pending' }, eq(tickets.id, b!));
    linkTickets(ctx, 1, [b!, a!]);
    const shown = showKnownIssue(t.app, 1);
    expect(shown.issue.linkedCount).toBe(2);
    expect(shown.tickets.map((x) => [x.id, x.status])).toEqual([
      [a, 'open'],
      [b, 'pending'],
    ]);
  });

  it('is NOT_FOUND for a number that does not exist, saying which do', () => {
    expect(thrown(() => showKnownIssue(t.app, 1)).hint).toContain('/known-issue new');
    createKnownIssue(ctx, { title: 'One' });
    const error = thrown(() => showKnownIssue(t.app, 7));
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'There is no known issue KI-7.' });
    expect(error.hint).toContain('KI-1 to KI-1');
  });
});

describe('linkTickets', () => {
  beforeEach(() => {
    createKnownIssue(ctx, { title: 'Login loop after SSO update' });
  });

  it('sets the known issue, tags the tickets and audits both', () => {
    const [a, b] = newTickets(2);
    const result = linkTickets(ctx, 1, [a!, b!]);
    expect(result).toMatchObject({ linked: [a, b], moved: [], alreadyLinked: [], before: 0, after: 2, milestone: undefined });
    expect(ticketRow(a!).knownIssueId).toBe(1);
    expect(knownTagsOf(a!)).toEqual(['1-login-loop-sso']);
    const ticketEvents = auditTrail(t.app, 'ticket', a!);
    expect(ticketEvents.at(-1)).toMatchObject({ action: 'ticket.known_issue', before: { knownIssueId: null }, after: { knownIssueId: 1 } });
    const issueEvent = auditTrail(t.app, 'known_issue', 1).at(-1);
    expect(issueEvent).toMatchObject({ action: 'known_issue.linked', before: { linkedCount: 0 }, after: { linkedCount: 2, tickets: [a, b] } });
  });

  it('says "tracked" on the link that reaches 3 and "status page" on the one that reaches 6, once each', () => {
    const ids = newTickets(8);
    const milestones = ids.map((id) => linkTickets(ctx, 1, [id]).milestone);
    expect(milestones).toEqual([undefined, undefined, 'tracked', undefined, undefined, 'status-page', undefined, undefined]);
  });

  it('names the threshold when several tickets cross it in one link', () => {
    const ids = newTickets(6);
    expect(linkTickets(ctx, 1, ids.slice(0, 2)).milestone).toBeUndefined();
    const result = linkTickets(ctx, 1, ids.slice(2, 4));
    expect(result).toMatchObject({ before: 2, after: 4, milestone: 'tracked' });
    expect(linkTickets(ctx, 1, ids.slice(4)).milestone).toBe('status-page');
  });

  it('reports tickets linked already without an error or a new audit event', () => {
    const [a] = newTickets(1);
    linkTickets(ctx, 1, [a!]);
    const before = auditTrail(t.app).length;
    const again = linkTickets(ctx, 1, [a!]);
    expect(again).toMatchObject({ linked: [], alreadyLinked: [a], before: 1, after: 1, milestone: undefined });
    expect(auditTrail(t.app)).toHaveLength(before);
  });

  it('links nothing when any ticket number is unknown, and names the unknown ones', () => {
    const [a] = newTickets(1);
    const error = thrown(() => linkTickets(ctx, 1, [a!, 98, 99]));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('#98, #99');
    expect(error.message).toContain('nothing was linked');
    expect(ticketRow(a!).knownIssueId).toBeNull();
    expect(knownTagsOf(a!)).toEqual([]);
    expect(auditActions(t.app, 'known_issue')).toEqual(['known_issue.created']);
  });

  it('moves a ticket from another known issue and drops its old tag', () => {
    createKnownIssue(ctx, { title: 'Push notifications delayed on iOS' });
    const [a] = newTickets(1);
    linkTickets(ctx, 1, [a!]);
    const result = linkTickets(ctx, 2, [a!]);
    expect(result.moved).toEqual([{ ticketId: a, from: 1 }]);
    expect(ticketRow(a!).knownIssueId).toBe(2);
    expect(knownTagsOf(a!)).toEqual(['2-push-notifications-delayed']);
    expect(showKnownIssue(t.app, 1).issue.linkedCount).toBe(0);
  });

  it('refuses a resolved issue and an unknown one', () => {
    const [a] = newTickets(1);
    setKnownIssueStatus(ctx, 1, 'resolved');
    expect(thrown(() => linkTickets(ctx, 1, [a!])).code).toBe('CONFLICT');
    expect(thrown(() => linkTickets(ctx, 5, [a!])).code).toBe('NOT_FOUND');
    expect(ticketRow(a!).knownIssueId).toBeNull();
  });
});

describe('unlinkTicket', () => {
  it('clears the link and the tag, with audit events', () => {
    createKnownIssue(ctx, { title: 'Login loop' });
    const [a, b] = newTickets(2);
    linkTickets(ctx, 1, [a!, b!]);
    const { issue } = unlinkTicket(ctx, 1, a!);
    expect(issue.linkedCount).toBe(1);
    expect(ticketRow(a!).knownIssueId).toBeNull();
    expect(knownTagsOf(a!)).toEqual([]);
    expect(auditTrail(t.app, 'ticket', a!).at(-1)).toMatchObject({ action: 'ticket.known_issue', after: { knownIssueId: null } });
    expect(auditTrail(t.app, 'known_issue', 1).at(-1)).toMatchObject({ action: 'known_issue.unlinked', after: { linkedCount: 1, tickets: [a] } });
  });

  it('refuses a ticket that is not linked to that issue, saying where it is', () => {
    createKnownIssue(ctx, { title: 'One' });
    createKnownIssue(ctx, { title: 'Two' });
    const [a] = newTickets(1);
    expect(thrown(() => unlinkTicket(ctx, 1, a!)).code).toBe('CONFLICT');
    linkTickets(ctx, 2, [a!]);
    expect(thrown(() => unlinkTicket(ctx, 1, a!)).hint).toContain('/known-issue unlink 2');
    expect(thrown(() => unlinkTicket(ctx, 1, 404)).code).toBe('NOT_FOUND');
  });
});

describe('setKnownIssueStatus', () => {
  it('moves the status with an audit event and refuses a no-op', () => {
    createKnownIssue(ctx, { title: 'Login loop' });
    t.clock.advance(60_000);
    const result = setKnownIssueStatus(ctx, 1, 'identified');
    expect(result.before).toBe('investigating');
    expect(result.issue.status).toBe('identified');
    expect(result.issue.updatedAt.getTime()).toBe(t.clock.now().getTime());
    expect(auditTrail(t.app, 'known_issue', 1).at(-1)).toMatchObject({ action: 'known_issue.status', before: { status: 'investigating' }, after: { status: 'identified' } });
    expect(thrown(() => setKnownIssueStatus(ctx, 1, 'identified')).code).toBe('CONFLICT');
  });

  it('retires the tag on resolve (it stays on tickets), lists tickets still waiting, and restores it on reopen', () => {
    createKnownIssue(ctx, { title: 'Login loop' });
    const [a, b] = newTickets(2);
    linkTickets(ctx, 1, [a!, b!]);
    updateRows(t.app.store, tickets, { status: 'resolved' }, eq(tickets.id, a!));
    const resolved = setKnownIssueStatus(ctx, 1, 'resolved');
    expect(resolved.activeTickets).toEqual([b]);
    const tag = () => selectRow(t.app.store, tags, eq(tags.family, KNOWN_ISSUE_FAMILY))!;
    expect(tag().retiredAt).not.toBeNull();
    expect(knownTagsOf(a!)).toEqual(['1-login-loop']);
    setKnownIssueStatus(ctx, 1, 'monitoring');
    expect(tag().retiredAt).toBeNull();
    expect(linkTickets(ctx, 1, newTickets(1)).after).toBe(3);
  });

  it('keeps known-issue tags out of the taxonomy agents pick from', () => {
    createKnownIssue(ctx, { title: 'Login loop' });
    const [linked, other] = newTickets(2);
    linkTickets(ctx, 1, [linked!]);
    // The tag exists (linking made it), so leaving it out below is a choice, not an empty table.
    expect(listTaxonomy(t.app).map((tag) => `${tag.family}:${tag.name}`)).toContain(`${KNOWN_ISSUE_FAMILY}:1-login-loop`);
    // What agents pick from (/ticket tags, by family or whole) does not offer it...
    expect(tagTaxonomy(t.app).map((group) => group.family)).not.toContain(KNOWN_ISSUE_FAMILY);
    expect(tagTaxonomy(t.app).flatMap((group) => group.tags).map((tag) => tag.name)).not.toContain('1-login-loop');
    expect(thrown(() => tagTaxonomy(t.app, KNOWN_ISSUE_FAMILY)).code).toBe('INVALID');
    // ...and typing it by hand is refused with the command that does it.
    const typed = thrown(() => tagTicket(ctx, other!, [{ family: KNOWN_ISSUE_FAMILY, value: '1-login-loop' }]));
    expect(typed.hint).toContain(`/known-issue link <n> ${other}`);
    expect(knownTagsOf(other!)).toEqual([]);
  });
});

describe('findMatchingKnownIssues', () => {
  const linkedIssue = (title: string, tagLists: string[][]) => {
    const issue = createKnownIssue(ctx, { title });
    linkTickets(ctx, issue.id, tagLists.map((tagList) => insertTicket(t.app, { title, tags: tagList }).id));
    return issue.id;
  };

  it('finds issues whose tickets cover every area tag of the ticket, best first', () => {
    const sso = linkedIssue('SSO loop', [['area:Authentication', 'type:Bug'], ['area:Authentication', 'area:Mobile']]);
    const login = linkedIssue('Login slow', [['area:Authentication']]);
    linkedIssue('Export broken', [['area:Data Import / Export', 'type:Bug']]);
    const ticket = insertTicket(t.app, { tags: ['area:Authentication', 'type:Bug'] });
    const matches = findMatchingKnownIssues(t.app, ticket.id);
    expect(matches.map((m) => [m.label, m.sharedTags])).toEqual([
      [`KI-${sso}`, ['area:Authentication', 'type:Bug']],
      [`KI-${login}`, ['area:Authentication']],
    ]);
    expect(matches[0]).toMatchObject({ id: sso, title: 'SSO loop', status: 'investigating', linkedCount: 2 });
  });

  it('needs all the area tags, and at least one', () => {
    linkedIssue('SSO loop', [['area:Authentication', 'type:Bug']]);
    const twoAreas = insertTicket(t.app, { tags: ['area:Authentication', 'area:Mobile'] });
    expect(findMatchingKnownIssues(t.app, twoAreas.id)).toEqual([]);
    const noArea = insertTicket(t.app, { tags: ['type:Bug'] });
    expect(findMatchingKnownIssues(t.app, noArea.id)).toEqual([]);
  });

  it('leaves out resolved issues and the ticket own issue', () => {
    const sso = linkedIssue('SSO loop', [['area:Authentication']]);
    const other = linkedIssue('Login slow', [['area:Authentication']]);
    const ticket = insertTicket(t.app, { tags: ['area:Authentication'] });
    linkTickets(ctx, sso, [ticket.id]);
    expect(findMatchingKnownIssues(t.app, ticket.id).map((m) => m.id)).toEqual([other]);
    setKnownIssueStatus(ctx, other, 'resolved');
    expect(findMatchingKnownIssues(t.app, ticket.id)).toEqual([]);
  });

  it('is NOT_FOUND for an unknown ticket', () => {
    expect(thrown(() => findMatchingKnownIssues(t.app, 77)).code).toBe('NOT_FOUND');
  });
});
