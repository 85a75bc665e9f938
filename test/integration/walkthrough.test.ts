/**
 * One ticket walked by hand through the whole clock-driven workflow in the real shell (a piped
 * child process): yellow, red, an on-call escalation, the page, the call step, the acknowledgement
 * and the weekly digest, with `:clock` and `:tick` standing in for time.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { cliSandbox, TROUBLE_ON_STDERR } from '../doubles/cli.js';

const SCRIPT = `
# Set the scene: two people on the rotation, one with a phone number.
:clock 2026-11-23T09:00:00Z
:as bob
/oncall contacts set phone +1 555 0100
:as carol
/whoami
:as alice
/oncall rotation set @bob @carol
/ticket new "Checkout fails for every card" priority:high area:Omnichannel type:Bug
:clock 2026-11-23T10:00:00Z
:tick
:clock +3h
:tick
/sla 1
/escalate 1 to:oncall Checkout is down for every card payment
:clock +61m
:tick
:clock +30m
:tick
/oncall ack 1
:clock +2h
:tick
/guard log hotfix Rolled back the payment gateway config
:clock 2026-11-30T10:30:00Z
:tick
`;

/** The reply blocks, split on the blank lines between them. */
const blocks = (stdout: string) => stdout.trim().split(/\n\n(?=\S)/);

describe('walking a ticket through the clock in the shell', () => {
  it('warns at yellow and red, pages and calls on-call, stops at the acknowledgement, and digests the week', async () => {
    const cli = cliSandbox(onTestFinished);
    const run = await cli.deskops(['start'], { input: SCRIPT });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(TROUBLE_ON_STDERR);
    const out = blocks(run.stdout);
    const tick = (n: number) => out.filter((b) => b.includes('Tick at'))[n]!;

    // 10:00: a High ticket turns yellow after one business hour (the earlier warning is superseded).
    expect(tick(0)).toContain('#1 is yellow: 1 h of business time in Triage');
    expect(tick(0)).not.toContain('Changing of the Guard'); // nothing happened the week before
    // 13:00: red after four business hours; /sla agrees.
    expect(tick(1)).toContain('#1 is red: 4 h of business time in Triage');
    expect(out.find((b) => b.startsWith('ℹ SLA of #1'))).toMatch(/Band\s+🔴 Red/);
    // The escalation names who must acknowledge.
    expect(out.find((b) => b.includes('escalated from Triage to On-Call'))).toContain('@carol must acknowledge within 60 minutes');
    // 14:01: announced in helpdesk and, unacknowledged after an hour, paged in support-dev.
    expect(tick(2)).toMatch(/→ role:helpdesk[\s\S]*On-call escalation: #1/);
    expect(tick(2)).toMatch(/→ role:support-dev[\s\S]*@carol, please acknowledge #1/);
    // 14:31: the call step with the contacts.
    expect(tick(3)).toMatch(/Call now: #1 is still not acknowledged[\s\S]*phone: \+1 555 0100/);
    // Acknowledged: the ladder stops; later ticks post no more ladder steps.
    expect(out.find((b) => b.includes('#1 acknowledged by @alice'))).toContain('The ladder stopped after the call step');
    expect(tick(4)).not.toMatch(/please acknowledge|Call now/);
    // Monday after: the Changing of the Guard reaches the leads with the week's numbers.
    const digest = tick(5);
    expect(digest).toMatch(/→ role:leads[\s\S]*Changing of the Guard: week of 2026-11-23/);
    expect(digest).toContain('Triage: 0% green — 0 green, 0 yellow, 1 red');
    expect(digest).toContain('hotfix: Rolled back the payment gateway config');
    expect(digest).toContain('On-call: @bob this week (last week: @carol)');
  });
});
