/** Rocket.Chat message -> command text and Invocation, and the SDK log redaction. */
import { describe, expect, it } from 'vitest';
import { normaliseMessage } from '../../src/adapters/rocketchat/bot.js';
import { commandText, toInvocation } from '../../src/adapters/rocketchat/commands.js';
import { redact } from '../../src/adapters/rocketchat/sdk-logger.js';
import { buildRegistry } from '../../src/commands/index.js';

const registry = buildRegistry();
const syntax = { prefix: '!', botUsername: 'deskops', registry };

describe('commandText', () => {
  it('takes prefixed commands that name help or a family (aliases included)', () => {
    expect(commandText('!ticket new "Login fails"', syntax)).toBe('ticket new "Login fails"');
    expect(commandText('  !escalate 12 needs t3  ', syntax)).toBe('escalate 12 needs t3');
    expect(commandText('!help', syntax)).toBe('help');
    expect(commandText('! ticket list', syntax)).toBe('ticket list');
    expect(commandText('!/ticket list', syntax)).toBe('/ticket list');
    expect(commandText('!TICKET list', syntax)).toBe('TICKET list');
  });

  it('stays quiet on ordinary chat that happens to use the prefix', () => {
    for (const text of ['!', '!!!', '!important', '!wow that worked', 'hello !ticket', 'ticket new x', '']) expect(commandText(text, syntax)).toBeUndefined();
  });

  it('takes mentions of the bot, with anything after them, and help for a bare mention', () => {
    expect(commandText('@deskops ticket list', syntax)).toBe('ticket list');
    expect(commandText('@DeskOps: frobnicate', syntax)).toBe('frobnicate');
    expect(commandText('@deskops', syntax)).toBe('help');
    expect(commandText('@deskopsy ticket list', syntax)).toBeUndefined();
    expect(commandText('@deskops ticket list', { ...syntax, botUsername: undefined })).toBeUndefined();
  });

  it('honours another prefix', () => {
    expect(commandText('?ticket list', { ...syntax, prefix: '?' })).toBe('ticket list');
    expect(commandText('!ticket list', { ...syntax, prefix: '?' })).toBeUndefined();
  });
});

describe('toInvocation', () => {
  it('carries the Rocket.Chat user, the room, the thread (tmid, else the message) and an idempotency key', () => {
    const message = normaliseMessage({ _id: 'm1', rid: 'R1', msg: '!help', ts: { $date: 0 }, u: { _id: 'u1', username: 'alice', name: 'Alice' } })!;
    expect(toInvocation(message, 'help')).toEqual({
      platform: 'rocketchat',
      user: { externalId: 'u1', handle: 'alice', displayName: 'Alice' },
      channel: 'R1',
      thread: 'm1',
      text: 'help',
      idempotencyKey: 'rocketchat:msg:m1',
    });
    expect(toInvocation({ ...message, tmid: 'parent' }, 'help').thread).toBe('parent');
  });

  it('normalises stream (EJSON) and history (ISO) timestamps alike, and refuses malformed messages', () => {
    const at = Date.UTC(2026, 10, 23, 10);
    expect(normaliseMessage({ _id: 'a', rid: 'r', msg: 'x', ts: { $date: at }, u: { _id: 'u', username: 'u' } })!.ts.getTime()).toBe(at);
    expect(normaliseMessage({ _id: 'a', rid: 'r', msg: 'x', ts: new Date(at).toISOString(), u: { _id: 'u', username: 'u' } })!.ts.getTime()).toBe(at);
    expect(normaliseMessage({ rid: 'r', msg: 'x' })).toBeUndefined();
    expect(normaliseMessage(null)).toBeUndefined();
  });
});

describe('redact', () => {
  it('removes known secrets and credential fields in JSON and header form', () => {
    const line = redact('[DDP driver] Login with {"token":"tok-abcdef","password":"hunter22"} X-Auth-Token: tok-abcdef resume=xyz', ['tok-abcdef']);
    expect(line).not.toContain('tok-abcdef');
    expect(line).not.toContain('hunter22');
    expect(line).not.toContain('xyz');
    expect(line).toContain('[redacted]');
    expect(redact('plain text about tokens', [])).toBe('plain text about tokens');
  });
});
