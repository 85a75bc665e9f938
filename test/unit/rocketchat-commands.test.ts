/** Rocket.Chat message -> command text and Invocation, and the SDK log redaction. */
import { describe, expect, it } from 'vitest';
import { normaliseMessage } from '../../src/adapters/rocketchat/bot.js';
import { commandText, toInvocation } from '../../src/adapters/rocketchat/commands.js';
import { linkedMessageId, ticketFromArgument } from '../../src/adapters/rocketchat/intake.js';
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
  it('carries the Rocket.Chat user, the room, and the thread (tmid, else the message); the message id is claimed with the command, not by the router', () => {
    const message = normaliseMessage({ _id: 'm1', rid: 'R1', msg: '!help', ts: { $date: 0 }, u: { _id: 'u1', username: 'alice', name: 'Alice' } })!;
    expect(toInvocation(message, 'help')).toEqual({
      platform: 'rocketchat',
      user: { externalId: 'u1', handle: 'alice', displayName: 'Alice' },
      channel: 'R1',
      thread: 'm1',
      text: 'help',
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

describe('ticket from <link>', () => {
  it('finds the command under any of /ticket names, with or without its argument', () => {
    expect(ticketFromArgument('ticket from https://chat.example.com/channel/support?msg=abc123')).toBe('https://chat.example.com/channel/support?msg=abc123');
    expect(ticketFromArgument('t from X1')).toBe('X1');
    expect(ticketFromArgument('/tickets FROM <https://x?msg=1>')).toBe('<https://x?msg=1>');
    expect(ticketFromArgument('ticket from')).toBe('');
    expect(ticketFromArgument('ticket new from here')).toBeUndefined();
    expect(ticketFromArgument('ticket from a b')).toBeUndefined();
  });

  it('reads the message id from a copied link, an angle-bracketed link or a bare id, and nothing else', () => {
    expect(linkedMessageId('https://chat.example.com/channel/support?msg=Ab3dEf6hJk9mNp2Qr')).toBe('Ab3dEf6hJk9mNp2Qr');
    expect(linkedMessageId('<https://chat.example.com/group/t2?msg=xyz987>')).toBe('xyz987');
    expect(linkedMessageId('https://chat.example.com/direct/abc?foo=1&msg=m-42')).toBe('m-42');
    expect(linkedMessageId('Ab3dEf6hJk9mNp2Qr')).toBe('Ab3dEf6hJk9mNp2Qr');
    expect(linkedMessageId('yesterday')).toBeUndefined();
    expect(linkedMessageId('https://chat.example.com/channel/support')).toBeUndefined();
    expect(linkedMessageId('https://x/?msg=<script>')).toBeUndefined();
    expect(linkedMessageId('')).toBeUndefined();
  });
});
