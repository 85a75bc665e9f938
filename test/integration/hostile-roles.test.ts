/**
 * Role checks, table-driven over every command the registry marks as lead- or admin-only (plus the
 * lead-only uses of open commands: an override for someone else, changing the ladder). An agent
 * (and a lead, for admin-only commands) is refused with a message that says who may do it, the
 * denial is audited as access.denied, and nothing else in the database changes.
 */
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/domain/vocabulary.js';
import { auditEvents } from '../../src/store/schema.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { storeJsonWithoutAudit } from '../doubles/store-snapshot.js';
import { selectRow } from '../doubles/db.js';

let desk: TestDesk;
beforeAll(() => {
  desk = createTestDesk();
  for (const user of ['alice', 'bob', 'carol']) desk.run('/whoami', user);
  for (const line of ['/people role @bob lead', '/ticket new "A ticket to act on"', '/oncall rotation set @alice @bob']) {
    expect(desk.run(line).tone, line).not.toBe('error');
  }
});
afterAll(() => desk.dispose());

/** Every table but the audit trail, as JSON: what a refused command must leave untouched. */
const snapshot = (): string => storeJsonWithoutAudit(desk.app);

const RANK: Record<Role, number> = { agent: 0, lead: 1, admin: 2 };

interface Row {
  command: string;
  /** The registry path the denial is audited under. */
  path: string;
  least: Role;
}

function rows(): Row[] {
  const fromRegistry = desk.registry
    .all()
    .filter((d) => d.role && d.role !== 'agent')
    .map((d) => {
      const example = d.examples?.[0];
      expect(example, `${d.path.join(' ')} needs an example to test its role check with`).toBeDefined();
      return { command: example!, path: d.path.join(' '), least: d.role! };
    });
  return [
    ...fromRegistry,
    { command: '/oncall override @bob 2026-12-01 2026-12-02', path: 'oncall override', least: 'lead' },
    { command: '/oncall ladder ack:30 call:15', path: 'oncall ladder', least: 'lead' },
    { command: '/guard digest', path: 'guard digest', least: 'lead' },
    { command: '/people zone @carol America/New_York', path: 'people zone', least: 'lead' },
  ];
}

describe('lead- and admin-only commands', () => {
  it('cover calendars, schedules, taxonomy, SLA policy, channel and team settings, roles and tiers', () => {
    const paths = rows().map((r) => r.path);
    for (const family of ['calendar hours', 'calendar holiday', 'calendar zone', 'calendar day-length', 'oncall rotation set', 'oncall override', 'oncall ladder', 'guard digest', 'settings timers', 'settings digest', 'settings known-issues', 'settings reaction', 'settings reset', 'ticket history', 'audit', 'people zone', 'ticket tags add', 'ticket tags remove', 'sla policy set', 'channel set', 'people role', 'people tier']) {
      expect(paths).toContain(family);
    }
  });

  const users: [string, Role][] = [
    ['alice', 'agent'],
    ['bob', 'lead'],
  ];
  for (const [user, role] of users) {
    it(`refuses each one to ${user} (${role}) below its least role, clearly, audited, and changes nothing else`, () => {
      const table = rows().filter((r) => RANK[role] < RANK[r.least]);
      expect(table.length).toBeGreaterThan(role === 'agent' ? 10 : 0);
      for (const { command, path, least } of table) {
        const before = snapshot();
        const reply = desk.run(command, user);
        expect(reply.tone, command).toBe('error');
        expect(reply.visibility, command).toBe('ephemeral');
        const who = least === 'admin' ? /admins/ : /leads/;
        expect(reply.title, command).toMatch(/^Only /);
        expect(reply.title, command).toMatch(who);
        expect(reply.text?.trim(), `${command}: the hint says what to do instead`).toBeTruthy();
        expect(snapshot(), `${command} changed the database`).toBe(before);
        const audit = selectRow(desk.app.store, auditEvents, eq(auditEvents.action, 'access.denied'), desc(auditEvents.id));
        expect(audit, command).toBeDefined();
        expect(audit!.actorLabel, command).toContain(user);
        expect(audit!.after, command).toMatchObject({ command: path });
        expect(String((audit!.after as { reason: string }).reason), command).toBe(reply.title);
        expect(replyText(reply), command).not.toMatch(/something went wrong/i);
      }
    });
  }

  it('lets the least role run each of them (the table tests the role, not a broken example)', () => {
    for (const { command, least } of rows()) {
      const user = least === 'admin' ? 'lead' : 'bob';
      const reply = desk.run(command, user);
      expect(reply.title, `${command} as ${user}`).not.toMatch(/^Only /);
    }
  });
});
