import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addHoliday,
  loadCalendar,
  removeHoliday,
  setBusinessDayLength,
  setCalendarZone,
  setWorkingHours,
} from '../../src/app/calendar.js';
import type { RequestContext } from '../../src/app/context.js';
import { writeSetting } from '../../src/app/team-settings.js';
import { addBusinessTime, defaultCalendar } from '../../src/domain/calendar.js';
import { auditTrail } from '../doubles/audit.js';
import { actAs, createTestApp, type TestApp } from '../doubles/context.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';
import { thrown } from '../doubles/errors.js';

describe('calendar use cases', () => {
  let t: TestApp;
  let lead: RequestContext;
  let agent: RequestContext;
  beforeEach(() => {
    t = createTestApp({ settings: { timeZone: 'Europe/Berlin' } });
    lead = actAs(t.app, 'lee', 'lead');
    agent = actAs(t.app, 'amy');
  });
  afterEach(() => t.close());

  it('defaults to Mon–Fri 09:00–17:00 in the configured zone', () => {
    expect(loadCalendar(t.app)).toEqual(defaultCalendar('Europe/Berlin'));
  });

  it('replaces the hours of the named days, with an audit event', () => {
    const result = setWorkingHours(lead, [6, 7], [{ start: '13:00', end: '17:00' }, { start: '10:00', end: '12:00' }]);
    expect(result.changed).toBe(true);
    expect(loadCalendar(t.app).hours).toEqual({
      ...defaultCalendar('UTC').hours,
      6: [{ start: '10:00', end: '12:00' }, { start: '13:00', end: '17:00' }],
      7: [{ start: '10:00', end: '12:00' }, { start: '13:00', end: '17:00' }],
    });
    expect(auditTrail(t.app, 'setting', 'calendar')).toMatchObject([{ action: 'setting.changed', actorLabel: '@lee', before: null }]);
    // Closing days again, and an unchanged repeat writes nothing.
    setWorkingHours(lead, [6, 7], []);
    expect(loadCalendar(t.app).hours[6]).toBeUndefined();
    expect(setWorkingHours(lead, [6, 7], []).changed).toBe(false);
    expect(auditTrail(t.app, 'setting', 'calendar')).toHaveLength(2);
  });

  it('joins touching ranges and refuses overlaps, reversed ranges and a week with no hours', () => {
    setWorkingHours(lead, [1], [{ start: '09:00', end: '12:00' }, { start: '12:00', end: '13:00' }]);
    expect(loadCalendar(t.app).hours[1]).toEqual([{ start: '09:00', end: '13:00' }]);
    expect(thrown(() => setWorkingHours(lead, [1], [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }]))).toMatchObject({ code: 'INVALID', message: '09:00–12:00 and 11:00–13:00 overlap.' });
    expect(thrown(() => setWorkingHours(lead, [1], [{ start: '22:00', end: '06:00' }])).hint).toMatch(/two ranges on two days/);
    expect(thrown(() => setWorkingHours(lead, [1, 2, 3, 4, 5, 6, 7], [])).message).toMatch(/no working hours/);
    expect(thrown(() => setWorkingHours(lead, [], [{ start: '09:00', end: '17:00' }])).code).toBe('INVALID');
  });

  it('adds and removes holidays, refusing dates that do not exist', () => {
    addHoliday(lead, '2026-12-25');
    addHoliday(lead, '2026-12-24');
    expect(addHoliday(lead, '2026-12-25').changed).toBe(false);
    expect(loadCalendar(t.app).holidays).toEqual(['2026-12-24', '2026-12-25']);
    expect(thrown(() => addHoliday(lead, '2026-02-30'))).toMatchObject({ code: 'INVALID', message: '"2026-02-30" does not exist: that month has days 01 to 28.' });
    expect(thrown(() => addHoliday(lead, '25.12.2026')).message).toMatch(/YYYY-MM-DD/);
    removeHoliday(lead, '2026-12-24');
    expect(thrown(() => removeHoliday(lead, '2026-12-26'))).toMatchObject({ code: 'NOT_FOUND', hint: 'Holidays: 2026-12-25.' });
    expect(loadCalendar(t.app).holidays).toEqual(['2026-12-25']);
  });

  it('sets the zone by its canonical name and suggests close ones', () => {
    expect(setCalendarZone(lead, 'america/st_johns').calendar.timeZone).toBe('America/St_Johns');
    const error = thrown(() => setCalendarZone(lead, 'Europe/Berln'));
    expect(error).toMatchObject({ code: 'INVALID', message: '"Europe/Berln" is not a time zone I know.' });
    expect(error.hint).toContain('Europe/Berlin');
    expect(loadCalendar(t.app).timeZone).toBe('America/St_Johns');
  });

  it('sets and resets the business day length', () => {
    expect(setBusinessDayLength(lead, 450).calendar.businessDayMinutes).toBe(450);
    expect(setBusinessDayLength(lead, null).calendar).not.toHaveProperty('businessDayMinutes');
    expect(thrown(() => setBusinessDayLength(lead, 0)).code).toBe('INVALID');
    expect(thrown(() => setBusinessDayLength(lead, 1441)).code).toBe('INVALID');
  });

  it('lets only leads change the calendar', () => {
    expect(thrown(() => setWorkingHours(agent, [1], []))).toMatchObject({ code: 'FORBIDDEN', message: 'Only leads and admins can change the working hours.' });
    expect(thrown(() => addHoliday(agent, '2026-02-30')).code).toBe('FORBIDDEN'); // the role check comes first
    expect(thrown(() => setCalendarZone(agent, 'UTC')).code).toBe('FORBIDDEN');
    expect(thrown(() => setBusinessDayLength(agent, 60)).code).toBe('FORBIDDEN');
    expect(auditTrail(t.app, 'setting')).toHaveLength(0);
  });

  it('falls back to the default when the stored calendar no longer parses', () => {
    t.app.store.transaction(() => writeSetting(lead, 'calendar', { timeZone: 'Mars/Olympus', hours: {}, holidays: [] }));
    expect(loadCalendar(t.app)).toEqual(defaultCalendar('Europe/Berlin'));
  });

  it('feeds the SLA arithmetic', () => {
    addHoliday(lead, '2026-03-06');
    const due = addBusinessTime(loadCalendar(t.app), new Date('2026-03-05T15:00:00Z'), 2 * 3_600_000); // Thu 16:00 CET
    expect(due.toISOString()).toBe('2026-03-09T09:00:00.000Z'); // Friday is a holiday: Mon 10:00 CET
  });
});

describe('/calendar commands', () => {
  let desk: TestDesk;
  beforeEach(() => {
    desk = createTestDesk({ env: { DESKOPS_TIMEZONE: 'Europe/Berlin' } });
  });
  afterEach(() => desk.dispose());

  it('shows the calendar, bare or with show, to anyone', () => {
    const shown = desk.say('/calendar', 'amy');
    expect(shown).toContain('Mon–Fri 09:00–17:00');
    expect(shown).toContain('Sat, Sun closed');
    expect(shown).toContain('Time zone: Europe/Berlin');
    expect(shown).toContain('1 business day = 8h');
    expect(shown).toContain('Open now'); // Mon 23 Nov 2026 11:00 CET
    expect(desk.say('/cal show')).toBe(shown);
    desk.clock.set(new Date('2026-11-27T17:00:00Z'));
    expect(desk.say('/calendar show')).toContain('Closed now; opens Mon 30 Nov 2026 09:00 Europe/Berlin');
  });

  it('sets hours for ranges, lists and groups of days', () => {
    expect(desk.run('/calendar hours mon-thu 09:00-12:00 13:00-17:30')).toMatchObject({ tone: 'success', title: 'Working hours for Mon–Thu: 09:00–12:00, 13:00–17:30' });
    expect(desk.run('/calendar hours sat,sun 10 - 14')).toMatchObject({ title: 'Working hours for Sat, Sun: 10:00–14:00' });
    expect(desk.run('/calendar hours weekend closed').title).toBe('Working hours for Sat, Sun: closed');
    expect(desk.run('/calendar hours fri 9am-3:30pm').title).toBe('Working hours for Fri: 09:00–15:30');
    expect(desk.run('/calendar hours sun 22:00-00:00').title).toBe('Working hours for Sun: 22:00–24:00');
    expect(desk.run('/calendar hours sun 22:00-24:00')).toMatchObject({ tone: 'info', title: 'Sun already 22:00–24:00; nothing changed.' });
    const shown = desk.say('/calendar');
    expect(shown).toContain('Mon–Thu 09:00–12:00, 13:00–17:30');
    expect(shown).toContain('Fri 09:00–15:30');
    expect(shown).toContain('Sat closed');
    expect(shown).toContain('1 business day = 7h 30m (the usual working day)');
  });

  it('adds, lists and removes holidays', () => {
    expect(desk.run('/calendar holiday add 2026-12-24 2026-12-25')).toMatchObject({ tone: 'success', title: 'Holidays added: 2026-12-24, 2026-12-25' });
    expect(desk.run('/calendar holidays list').title).toBe('Holidays: 2026-12-24, 2026-12-25');
    expect(desk.run('/calendar holiday add 2026-12-25')).toMatchObject({ tone: 'info', title: '2026-12-25 is already a holiday; nothing changed.' });
    expect(desk.run('/calendar holiday remove 2026-12-24').title).toBe('Holiday removed: 2026-12-24');
    expect(desk.say('/calendar')).toContain('Holidays: 2026-12-25');
  });

  it('sets the zone and the business day length', () => {
    expect(desk.run('/calendar zone Asia/Kolkata').title).toBe('Calendar zone set to Asia/Kolkata');
    expect(desk.run('/cal tz asia/kolkata').title).toBe('The calendar is already in Asia/Kolkata; nothing changed.');
    expect(desk.run('/calendar day-length 7h30m').title).toBe('1 business day is now 7h 30m');
    expect(desk.say('/calendar')).toContain('1 business day = 7h 30m (set)');
    expect(desk.run('/calendar day-length default').title).toBe('1 business day is now the usual working day');
  });

  it('answers every mistake with a reason and what to type', () => {
    const cases: [string, RegExp, RegExp][] = [
      ['/calendar hours mon-fry 9-17', /"fry" is not a day\. Did you mean fri\?/, /Usage: \/calendar hours/],
      ['/calendar hours mon-fri', /What hours on Mon–Fri\?/, /Usage: \/calendar hours/],
      ['/calendar hours 09:00-17:00', /Which days\?/, /Usage: \/calendar hours/],
      ['/calendar hours mon 9-25', /"9-25" has a time that does not exist/, /Usage/],
      ['/calendar hours mon 17:00-09:00', /17:00–09:00 ends before it starts\./, /two ranges on two days/],
      ['/calendar hours mon 9-12 11-13', /09:00–12:00 and 11:00–13:00 overlap\./, /09:00-12:00 13:00-17:00/],
      ['/calendar hours all closed', /no working hours in the week/, /\/calendar hours mon-fri 09:00-17:00/],
      ['/calendar holiday add 2026-02-30', /"2026-02-30" does not exist: that month has days 01 to 28\./, /YYYY-MM-DD/],
      ['/calendar holiday add', /Which date\?/, /Usage: \/calendar holiday/],
      ['/calendar holiday', /Add or remove\?/, /Usage: \/calendar holiday/],
      ['/calendar holiday ad 2026-12-25', /"ad" is not a holiday action.*Did you mean add\?/, /Usage/],
      ['/calendar holiday remove 2026-12-26', /2026-12-26 is not a holiday\./, /no holidays yet/],
      ['/calendar zone Europe/Berln', /"Europe\/Berln" is not a time zone I know\./, /Did you mean Europe\/Berlin/],
      ['/calendar zone', /Which zone\?/, /Usage: \/calendar zone/],
      ['/calendar day-length 30h', /not possible/, /Usage: \/calendar day-length/],
      ['/calendar day-length lots', /"lots" is not a length/, /Usage: \/calendar day-length/],
      ['/calendar shwo', /\/calendar has no "shwo" command\./, /Did you mean \/calendar show\?/],
    ];
    for (const [command, reason, hint] of cases) {
      const reply = desk.run(command);
      expect(reply.tone, command).toBe('error');
      expect(reply.title, command).toMatch(reason);
      expect(reply.text, command).toMatch(hint);
    }
  });

  it('refuses changes from agents and leaves the calendar as it was', () => {
    const reply = desk.run('/calendar hours mon-fri 08:00-16:00', 'amy');
    expect(reply).toMatchObject({ tone: 'error', title: 'Only leads and admins can change the working hours.' });
    expect(desk.run('/calendar zone UTC', 'amy').tone).toBe('error');
    expect(desk.say('/calendar', 'amy')).toContain('Mon–Fri 09:00–17:00');
  });

  it('lists its commands in the family help', () => {
    const help = desk.say('/calendar help');
    for (const usage of ['/calendar [show]', '/calendar hours', '/calendar holiday add|remove', '/calendar zone', '/calendar day-length']) expect(help).toContain(usage);
  });
});

describe('the team zone', () => {
  it('follows /calendar zone everywhere: dates shown and guard weeks', () => {
    const desk = createTestDesk({ now: '2026-11-23T23:30:00Z' }); // Monday in UTC, Tuesday 13:15 in Chatham (+13:45)
    try {
      expect(desk.run('/guard log hotfix Patched the importer').title).toMatch(/week of Mon 23 Nov 2026/);
      desk.run('/calendar zone Pacific/Chatham');
      desk.run('/ticket new "Zone check"');
      expect(desk.say('/ticket show 1')).toMatch(/Opened Tue 24 Nov 2026 13:15 Pacific\/Chatham/);
    } finally {
      desk.dispose();
    }
  });
});
