import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/app/context.js';
import { createKnownIssue, linkTickets } from '../../src/app/known-issues.js';
import { tagsOfTicket } from '../../src/app/tags.js';
import { addTag, removeTag, tagTaxonomy, tagTicket, untagTicket } from '../../src/app/ticket-tagging.js';
import { tickets } from '../../src/store/schema.js';
import { auditTrail } from '../doubles/audit.js';
import { actAs, createTestApp, type TestApp } from '../doubles/context.js';
import { insertTicket, tagRef } from '../doubles/tickets.js';
import { thrown } from '../doubles/errors.js';
import { selectRow } from '../doubles/db.js';

let t: TestApp;
let agent: RequestContext;
let lead: RequestContext;
beforeEach(() => {
  t = createTestApp();
  agent = actAs(t.app, 'amy');
  lead = actAs(t.app, 'lee', 'lead');
});
afterEach(() => t.close());

const refs = (...typed: string[]) => typed.map(tagRef);
const tagNames = (id: number) => tagsOfTicket(t.app, id).map((tag) => `${tag.family}:${tag.name}`);

describe('tagTicket', () => {
  it('adds tags, bumps updatedAt and audits the lists before and after', () => {
    const ticket = insertTicket(t.app, { tags: ['type:Bug'] });
    t.clock.advance(60_000);
    const change = tagTicket(agent, ticket.id, refs('area:authentication', 'area:Data Import / Export', 'type:Bug'));
    expect(change.changed.map((x) => x.name)).toEqual(['Authentication', 'Data Import / Export']);
    expect(change.unchanged.map((x) => x.name)).toEqual(['Bug']);
    expect(tagNames(ticket.id)).toEqual(['area:Authentication', 'area:Data Import / Export', 'type:Bug']);
    expect(selectRow(t.app.store, tickets, eq(tickets.id, ticket.id))!.updatedAt.getTime()).toBe(t.clock.now().getTime());
    expect(auditTrail(t.app, 'ticket', ticket.id)).toMatchObject([
      { action: 'ticket.tags', actorLabel: '@amy', before: { tags: ['type:Bug'] }, after: { tags: ['area:Authentication', 'area:Data Import / Export', 'type:Bug'] } },
    ]);
  });

  it('writes no audit event when every tag was there already', () => {
    const ticket = insertTicket(t.app, { tags: ['type:Bug'] });
    expect(tagTicket(agent, ticket.id, refs('type:bug')).changed).toEqual([]);
    expect(auditTrail(t.app, 'ticket', ticket.id)).toEqual([]);
  });

  it('refuses an unknown tag with the closest known ones, and tags nothing', () => {
    const ticket = insertTicket(t.app);
    const error = thrown(() => tagTicket(agent, ticket.id, refs('type:Bug', 'area:Authenticaton')));
    expect(error).toMatchObject({ code: 'INVALID', message: 'Unknown tag area:Authenticaton.' });
    expect(error.hint).toContain('area:Authentication');
    expect(tagNames(ticket.id)).toEqual([]);
  });

  it('suggests the family when it is mistyped', () => {
    const ticket = insertTicket(t.app);
    const error = thrown(() => tagTicket(agent, ticket.id, refs('aera:Mobile')));
    expect(error.message).toContain('no tag family "aera"');
    expect(error.hint).toContain('Did you mean area:Mobile?');
  });

  it('refuses known-issue tags typed by hand, pointing at /known-issue link', () => {
    const ticket = insertTicket(t.app);
    expect(thrown(() => tagTicket(agent, ticket.id, refs('known:1-login-loop'))).hint).toContain('/known-issue link');
  });

  it('is NOT_FOUND for an unknown ticket', () => {
    expect(thrown(() => tagTicket(agent, 41, refs('type:Bug'))).code).toBe('NOT_FOUND');
  });
});

describe('untagTicket', () => {
  it('removes tags with an audit event and reports the ones that were not there', () => {
    const ticket = insertTicket(t.app, { tags: ['type:Bug', 'area:Mobile'] });
    const change = untagTicket(agent, ticket.id, refs('type:bug', 'area:Omnichannel'));
    expect(change.changed.map((x) => x.name)).toEqual(['Bug']);
    expect(change.unchanged.map((x) => x.name)).toEqual(['Omnichannel']);
    expect(tagNames(ticket.id)).toEqual(['area:Mobile']);
    expect(auditTrail(t.app, 'ticket', ticket.id).at(-1)).toMatchObject({ action: 'ticket.tags', before: { tags: ['area:Mobile', 'type:Bug'] }, after: { tags: ['area:Mobile'] } });
  });

  it('removes a tag leads have retired since', () => {
    const ticket = insertTicket(t.app, { tags: ['type:Question'] });
    removeTag(lead, tagRef('type:Question'));
    expect(untagTicket(agent, ticket.id, refs('type:Question')).changed).toHaveLength(1);
  });

  it('leaves known-issue tags to /known-issue unlink', () => {
    const ticket = insertTicket(t.app);
    createKnownIssue(agent, { title: 'Login loop' });
    linkTickets(agent, 1, [ticket.id]);
    expect(thrown(() => untagTicket(agent, ticket.id, refs('known:1-login-loop'))).hint).toContain('/known-issue unlink');
    expect(tagNames(ticket.id)).toEqual(['known:1-login-loop']);
  });
});

describe('the taxonomy', () => {
  it('lists families and their active tags, without known-issue tags', () => {
    createKnownIssue(agent, { title: 'Login loop' });
    linkTickets(agent, 1, [insertTicket(t.app).id]);
    const groups = tagTaxonomy(t.app);
    expect(groups.map((g) => g.family)).toEqual(['area', 'process', 'special', 'type']);
    expect(groups[0]!.tags.map((x) => x.name)).toContain('Data Import / Export');
    expect(tagTaxonomy(t.app, 'TYPE')[0]!.tags.map((x) => x.name)).toContain('Feature Request');
    expect(thrown(() => tagTaxonomy(t.app, 'typ')).hint).toContain('/ticket tags type');
  });

  it('lets a lead add a tag, audited, and reports one that exists', () => {
    const added = addTag(lead, tagRef('area:Billing Portal'));
    expect(added).toMatchObject({ changed: true, restored: false, tag: { family: 'area', name: 'Billing Portal', slug: 'billing-portal' } });
    expect(auditTrail(t.app, 'tag', added.tag.id)).toMatchObject([{ action: 'tag.added', actorLabel: '@lee', after: { tag: 'area:Billing Portal' } }]);
    expect(addTag(lead, tagRef('area:billing portal')).changed).toBe(false);
    const ticket = insertTicket(t.app);
    expect(tagTicket(agent, ticket.id, refs('area:Billing Portal')).changed).toHaveLength(1);
  });

  it('refuses a new family unless asked for, suggesting the one meant', () => {
    expect(thrown(() => addTag(lead, tagRef('aera:Billing'))).hint).toContain('Did you mean area:Billing?');
    expect(addTag(lead, tagRef('product:Widgets'), { newFamily: true }).tag.family).toBe('product');
  });

  it('retires a tag (it stays on tickets, cannot be added) and brings it back', () => {
    const ticket = insertTicket(t.app, { tags: ['special:refund'] });
    const removed = removeTag(lead, tagRef('special:Refund'));
    expect(removed.stillOnTickets).toBe(1);
    expect(auditTrail(t.app, 'tag', removed.tag.id).at(-1)).toMatchObject({ action: 'tag.retired' });
    expect(tagNames(ticket.id)).toEqual(['special:refund']);
    const other = insertTicket(t.app);
    expect(thrown(() => tagTicket(agent, other.id, refs('special:refund'))).message).toContain('retired');
    const back = addTag(lead, tagRef('special:refund'));
    expect(back).toMatchObject({ changed: true, restored: true });
    expect(auditTrail(t.app, 'tag', back.tag.id).at(-1)).toMatchObject({ action: 'tag.restored' });
  });

  it('refuses agents (a lead-only action) and changes nothing', () => {
    expect(thrown(() => addTag(agent, tagRef('area:Billing')))).toMatchObject({ code: 'FORBIDDEN', message: 'Only leads and admins can edit the tag taxonomy.' });
    expect(thrown(() => removeTag(agent, tagRef('type:Bug'))).code).toBe('FORBIDDEN');
    expect(tagTaxonomy(t.app, 'type')[0]!.tags.map((x) => x.name)).toContain('Bug');
    expect(auditTrail(t.app, 'tag')).toEqual([]);
  });
});
