/** The duplicate-answer detector end to end: replies through the router, the job, the leads' suggestion and its buttons. */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runDuplicateAnswers } from '../../src/jobs/duplicate-answers.js';
import { outbox } from '../../src/store/schema.js';
import { auditActions } from '../doubles/audit.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { selectRows } from '../doubles/db.js';

let desk: TestDesk;
beforeEach(() => {
  desk = createTestDesk();
  for (const user of ['alice', 'bob', 'carol']) desk.run('/whoami', user);
  for (let i = 1; i <= 6; i++) ok(`/ticket new "SSO question ${i}"`);
});
afterEach(() => desk.dispose());

function ok(text: string, user?: string) {
  const reply = desk.run(text, user);
  expect(reply.tone, `${text}\n${replyText(reply).slice(0, 400)}`).not.toBe('error');
  return reply;
}
const tick = () => runDuplicateAnswers({ ...desk.app, logger: pino({ level: 'silent' }) }, desk.clock.now());
const suggestions = () => selectRows(desk.app.store, outbox).filter((r) => r.dedupeKey.startsWith('dup-answers:'));

const SAME = [
  'Please clear your browser cache and cookies, then sign in again; the SSO redirect loop should stop after that.',
  'The redirect loop usually goes away once you clear the cookies and cache in your browser and log in again.',
  'Clearing the browser cookies and cache and then logging in again stops the SSO redirect loop.',
  'To get out of the login redirect loop, clear your cache and cookies and sign in once more.',
];
const OTHER = 'The SSO loop happens when the server clock is off by more than five minutes; sync the server time with NTP and retry.';

describe('duplicate answers', () => {
  it('suggests once, to the leads, when three tickets got the same hand-written answer, with excerpts and the three buttons', () => {
    ok(`/ticket reply 1 ${SAME[0]}`, 'alice');
    ok(`/ticket reply 2 ${OTHER}`, 'bob');
    ok(`/ticket reply 3 ${SAME[1]}`, 'bob');
    tick();
    expect(suggestions()).toHaveLength(0);
    desk.clock.set(new Date(desk.clock.now().getTime() + 6 * 3_600_000));
    ok(`/ticket reply 4 ${SAME[2]}`, 'carol');
    tick();
    const [row] = suggestions();
    expect(row).toBeDefined();
    expect(row!.channel).toBe('role:leads');
    const text = replyText(row!.payload as never);
    expect(text).toMatch(/#1[\s\S]*#3[\s\S]*#4/);
    expect(text).not.toContain('#2');
    expect(text).toContain('clear your browser cache');
    expect((row!.payload as { buttons: { label: string }[] }).buttons.map((b) => b.label)).toEqual(['Make a macro', 'Needs a doc', 'Not the same']);
    // A fourth look-alike joins the group quietly.
    ok(`/ticket reply 5 ${SAME[3]}`, 'alice');
    tick();
    expect(suggestions()).toHaveLength(1);
  });

  it('leaves out macro replies, doc links, internal notes, the same ticket twice and answers more than 30 days apart', () => {
    ok(`/macro new cache ${SAME[0]}`);
    ok('/ticket reply 1 macro:cache');
    ok('/ticket reply 2 macro:cache');
    ok(`/ticket note 3 ${SAME[1]}`);
    ok('/ticket reply 4 See https://help.example.com/sso-redirect-loop');
    ok(`/ticket reply 5 ${SAME[1]}`);
    ok(`/ticket reply 5 ${SAME[2]}`);
    tick();
    expect(suggestions()).toHaveLength(0);
    desk.clock.set(new Date(desk.clock.now().getTime() + 31 * 24 * 3_600_000));
    ok(`/ticket reply 6 ${SAME[3]}`);
    tick();
    expect(suggestions()).toHaveLength(0);
  });

  it('runs the buttons: "Make a macro", "Needs a doc" and "Not the same" (leads only), and a dismissed group stays quiet', () => {
    for (const [i, text] of SAME.slice(0, 3).entries()) ok(`/ticket reply ${i + 1} ${text}`, 'alice');
    tick();
    expect(suggestions()).toHaveLength(1);
    expect(desk.run('/duplicates dismiss 1', 'alice').title).toMatch(/Only leads/);
    expect(desk.say('/duplicates list')).toContain('Group 1');
    ok('/duplicates dismiss 1');
    ok(`/ticket reply 4 ${SAME[3]}`, 'bob');
    ok(`/ticket reply 5 ${SAME[0]}`, 'carol');
    ok(`/ticket reply 6 ${SAME[1]}`, 'carol');
    tick();
    expect(suggestions()).toHaveLength(1);
    expect(desk.run('/duplicates macro 1').title).toContain('decided already');
    expect(auditActions(desk.app, 'answer_cluster', 1)).toEqual(['answer_cluster.dismissed']);
  });

  it('makes a macro or tags the tickets for a doc', () => {
    for (const [i, text] of SAME.slice(0, 3).entries()) ok(`/ticket reply ${i + 1} ${text}`, 'alice');
    tick();
    ok('/duplicates macro 1 sso-cache');
    expect(desk.say('/macro show sso-cache')).toContain('logging in again');
    ok('/ticket reply 4 macro:sso-cache');
    tick();
    expect(suggestions()).toHaveLength(1);
    const other = ['Export links expire after 24 hours; run the export again and download it within a day.', 'Download links for exports are valid for 24 hours only, so start a new export and download it within a day.', 'The export download link lasts 24 hours; please run a fresh export and download the file within one day.'];
    for (const [i, text] of other.entries()) ok(`/ticket reply ${i + 4} ${text}`, 'bob');
    tick();
    expect(suggestions()).toHaveLength(2);
    ok('/duplicates doc 2');
    expect(desk.say('/ticket show 5')).toContain('Proposed User Doc');
  });
});
