import pino from 'pino';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents, tickets } from '../../src/store/schema.js';
import { createRouter } from '../../src/commands/router.js';
import { CommandRegistry } from '../../src/commands/registry.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';
import { selectRows } from '../doubles/db.js';

let desk: TestDesk;
beforeEach(() => {
  desk = createTestDesk();
});
afterEach(() => desk.dispose());

describe('router', () => {
  it('runs a retried invocation once and answers the retry with the stored reply', () => {
    const first = desk.run('/ticket new "Login fails"', 'lead', { idempotencyKey: 'slack:trigger:123' });
    const retry = desk.run('/ticket new "Login fails"', 'lead', { idempotencyKey: 'slack:trigger:123' });
    expect(retry).toEqual(first);
    expect(selectRows(desk.app.store, tickets)).toHaveLength(1);
  });

  it("audits a denied attempt, even on someone's very first command", () => {
    const reply = desk.run('/ticket tags add area:Billing2', 'newcomer');
    expect(reply.tone).toBe('error');
    expect(reply.title).toMatch(/Only leads and admins/);
    const denials = selectRows(desk.app.store, auditEvents).filter((e) => e.action === 'access.denied');
    expect(denials).toHaveLength(1);
    expect(denials[0]).toMatchObject({ actorLabel: '@newcomer' });
  });

  it('answers unknown commands with the closest ones', () => {
    expect(desk.run('/tikcet list')).toMatchObject({ tone: 'error', title: 'There is no /tikcet command.' });
    expect(desk.run('/tikcet list').text).toMatch(/Did you mean \/ticket/);
    expect(desk.run('/ticket lst').text).toMatch(/\/ticket list/);
  });

  it('shows help for a family typed alone, for /help and for /<family> help <command>', () => {
    expect(desk.run('/ticket').title).toMatch(/^\/ticket/);
    expect(desk.run('/help').title).toBe('deskops commands');
    expect(desk.run('/ticket help assign').title).toBe('/ticket assign');
    expect(desk.run('/help ticket assign').title).toBe('/ticket assign');
  });

  it('explains an unbalanced quote with the usage of the command', () => {
    const reply = desk.run('/ticket new "Login fails');
    expect(reply.tone).toBe('error');
    expect(reply.title).toMatch(/closing quote is missing/);
    expect(reply.text).toMatch(/Usage: \/ticket new/);
  });

  it('refuses absurdly long input before parsing it', () => {
    expect(desk.run(`/ticket note 1 ${'x'.repeat(50_000)}`).title).toMatch(/the limit is 40,000/);
  });

  it('turns an unexpected error into an apology with a logged correlation id, changing nothing', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'error' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
    const registry = new CommandRegistry().family({ name: 'boom', summary: 'fails' });
    registry.define({
      path: ['boom'],
      usage: '/boom',
      summary: 'fails on purpose',
      run: () => {
        throw new Error('database exploded');
      },
    });
    const router = createRouter({ registry, app: desk.app, logger });
    const reply = router.handle({ platform: 'shell', user: { externalId: 'x', handle: 'x' }, channel: null, thread: null, text: '/boom' });
    const ref = /ref ([0-9a-f]{8})/.exec(reply.title)?.[1];
    expect(ref).toBeDefined();
    expect(lines.join('')).toContain(ref!);
    expect(lines.join('')).toContain('database exploded');
  });
});
