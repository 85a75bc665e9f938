/**
 * Instants as each person reads them: `/people zone` stores someone's own zone, and every reply
 * that shows them an instant uses it (the team zone otherwise); typed times stay in team time.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents, people } from '../../src/store/schema.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { selectRow, selectRows } from '../doubles/db.js';

let desk: TestDesk;
beforeEach(() => {
  // Monday 23 Nov 2026 10:00 UTC, a team in Berlin (11:00 there).
  desk = createTestDesk({ env: { DESKOPS_TIMEZONE: 'Europe/Berlin' } });
  desk.run('/whoami', 'alice');
  desk.run('/whoami', 'bob');
});
afterEach(() => desk.dispose());

const say = (line: string, user?: string) => replyText(desk.run(line, user));

describe('/people zone', () => {
  it('stores your own zone (audited), shows it in /whoami, and clears it with none', () => {
    expect(say('/people zone me America/New_York', 'alice')).toContain('@alice now sees instants in America/New_York');
    const row = selectRows(desk.app.store, people).find((p) => p.displayName === 'alice')!;
    expect(row.timeZone).toBe('America/New_York');
    expect(say('/whoami', 'alice')).toContain('Time zone: America/New_York');
    const event = selectRow(desk.app.store, auditEvents, eq(auditEvents.action, 'person.zone'))!;
    expect(event).toMatchObject({ actorLabel: '@alice', before: { timeZone: null }, after: { timeZone: 'America/New_York' } });
    expect(say('/people zone me none', 'alice')).toContain('now sees instants in team time (Europe/Berlin)');
  });

  it("is a lead's to set for someone else, and refuses a zone it does not know", () => {
    const refused = desk.run('/people zone @bob Asia/Kolkata', 'alice');
    expect(refused.title).toBe("Only leads and admins can set someone else's time zone.");
    expect(say('/people zone @bob Asia/Kolkata')).toContain('@bob now sees instants in Asia/Kolkata');
    const unknown = desk.run('/people zone me America/New_Yrok', 'alice');
    expect(unknown.tone).toBe('error');
    expect(replyText(unknown)).toContain('America/New_York');
  });
});

describe('instants in your time', () => {
  beforeEach(() => {
    desk.run('/people zone me America/New_York', 'alice');
    desk.run('/ticket new "Login fails"');
    desk.run('/oncall rotation set @alice @bob');
  });

  it('shows /sla "in your time"', () => {
    // Triage Medium: yellow after 2 business hours, 13:00 Berlin = 07:00 New York.
    expect(say('/sla 1', 'alice')).toContain('at Mon 23 Nov 07:00 America/New_York');
    expect(say('/sla 1', 'bob')).toContain('at Mon 23 Nov 13:00 Europe/Berlin');
  });

  it('shows /oncall, the schedule and the ticket card in your zone, hand-off times named as team time', () => {
    const mine = say('/oncall', 'alice');
    expect(mine).toContain('Until: Mon 30 Nov 2026 04:00 America/New_York');
    expect(mine).toContain('hand-off Mondays at 10:00 team time (Europe/Berlin); times shown in America/New_York');
    expect(say('/oncall', 'bob')).toContain('Until: Mon 30 Nov 2026 10:00 Europe/Berlin');
    expect(say('/oncall schedule weeks:1', 'alice')).toContain('Mon 23 Nov 04:00 → Mon 30 Nov 04:00');
    expect(say('/ticket show 1', 'alice')).toContain('Opened Mon 23 Nov 2026 05:00 America/New_York');
  });

  it('still reads typed times in team time', () => {
    expect(say('/oncall override @bob 2026-11-24T10:00 2026-11-24T12:00', 'alice')).toContain('@bob is on call from Tue 24 Nov 04:00 to Tue 24 Nov 06:00');
  });
});
