import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/app/context.js';
import { setPersonRole, setPersonTier, whoAmI } from '../../src/app/people-admin.js';
import { listPeople } from '../../src/app/people.js';
import { auditTrail } from '../doubles/audit.js';
import { actAs, createTestApp, type TestApp } from '../doubles/context.js';
import { thrown } from '../doubles/errors.js';

let t: TestApp;
let admin: RequestContext;
let lead: RequestContext;
let agent: RequestContext;
beforeEach(() => {
  t = createTestApp();
  admin = actAs(t.app, 'ada', 'admin');
  lead = actAs(t.app, 'lee', 'lead');
  agent = actAs(t.app, 'amy');
});
afterEach(() => t.close());

const roleOf = (handle: string) => listPeople(t.app).find((p) => p.handle === handle)?.role;

describe('setPersonRole', () => {
  it('lets an admin change a role, with an audit event', () => {
    const change = setPersonRole(admin, '@amy', 'lead');
    expect(change).toMatchObject({ before: 'agent', changed: true, person: { handle: 'amy', role: 'lead' } });
    expect(roleOf('amy')).toBe('lead');
    const event = auditTrail(t.app, 'person', change.person.id).at(-1);
    expect(event).toMatchObject({ action: 'person.role', actorLabel: '@ada', before: { role: 'agent' }, after: { role: 'lead' } });
  });

  it('reports a role the person has already without an audit event', () => {
    const count = auditTrail(t.app).length;
    expect(setPersonRole(admin, 'amy', 'agent').changed).toBe(false);
    expect(auditTrail(t.app)).toHaveLength(count);
  });

  it('refuses leads and agents', () => {
    expect(thrown(() => setPersonRole(lead, '@amy', 'lead'))).toMatchObject({ code: 'FORBIDDEN', message: 'Only admins can change roles.' });
    expect(thrown(() => setPersonRole(agent, '@amy', 'admin')).code).toBe('FORBIDDEN');
    expect(roleOf('amy')).toBe('agent');
  });

  it('never demotes the last admin, but does once there is another', () => {
    const error = thrown(() => setPersonRole(admin, 'me', 'lead'));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('last admin');
    expect(roleOf('ada')).toBe('admin');
    setPersonRole(admin, '@lee', 'admin');
    expect(setPersonRole(admin, 'me', 'agent').changed).toBe(true);
    expect(roleOf('ada')).toBe('agent');
  });

  it('is NOT_FOUND for someone deskops has not seen', () => {
    expect(thrown(() => setPersonRole(admin, '@ghost', 'lead')).code).toBe('NOT_FOUND');
  });
});

describe('setPersonTier', () => {
  it('lets leads and admins set and clear a tier, audited', () => {
    const change = setPersonTier(lead, '@amy', 't2');
    expect(change).toMatchObject({ before: null, changed: true, person: { tier: 't2' } });
    expect(auditTrail(t.app, 'person', change.person.id).at(-1)).toMatchObject({ action: 'person.tier', before: { tier: null }, after: { tier: 't2' } });
    expect(setPersonTier(admin, '@amy', null)).toMatchObject({ before: 't2', changed: true, person: { tier: null } });
    expect(setPersonTier(admin, '@amy', null).changed).toBe(false);
  });

  it('refuses an agent (a lead-only action)', () => {
    const error = thrown(() => setPersonTier(agent, 'me', 't5'));
    expect(error).toMatchObject({ code: 'FORBIDDEN', message: 'Only leads and admins can change tiers.' });
    expect(listPeople(t.app).find((p) => p.handle === 'amy')?.tier).toBeNull();
  });
});

describe('whoAmI', () => {
  it('reads the acting person fresh', () => {
    expect(whoAmI(agent)).toEqual({ handle: 'amy', displayName: 'amy', role: 'agent', tier: null, platform: 'shell', timeZone: null });
    setPersonTier(lead, '@amy', 't1');
    expect(whoAmI(agent).tier).toBe('t1');
  });

  it('refuses a scheduled job', () => {
    expect(thrown(() => whoAmI({ ...agent, actor: { kind: 'system', job: 'sla-watch' } })).code).toBe('INVALID');
  });
});
