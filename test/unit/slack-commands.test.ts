/** Slash command and button payloads -> Invocations, and which commands open a form instead. */
import type { BlockAction, ButtonAction, SlashCommand } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { actionInvocation } from '../../src/adapters/slack/actions.js';
import { commandInvocation, slashCommandNames } from '../../src/adapters/slack/commands.js';
import { modalRoute } from '../../src/adapters/slack/modals.js';
import { buildRegistry } from '../../src/commands/index.js';
import { tokenize } from '../../src/commands/tokenize.js';

function command(fields: Partial<SlashCommand>): SlashCommand {
  return {
    token: 't',
    command: '/ticket',
    text: '',
    response_url: 'https://hooks.slack.test/r',
    trigger_id: 'trig-1',
    user_id: 'U0ALICE',
    user_name: 'alice',
    team_id: 'T1',
    team_domain: 'acme',
    channel_id: 'C0HELP',
    channel_name: 'helpdesk',
    api_app_id: 'A1',
    ...fields,
  };
}

describe('commandInvocation', () => {
  it('puts the family in front of the text and keys the invocation by trigger id', () => {
    expect(commandInvocation(command({ text: ' new "Login fails" ' }), '/desk')).toEqual({
      platform: 'slack',
      user: { externalId: 'U0ALICE', handle: 'alice' },
      channel: 'C0HELP',
      thread: null,
      text: 'ticket new "Login fails"',
      idempotencyKey: 'slack:command:trig-1',
    });
  });

  it('takes the text as it is under the prefix command, and help when it is empty', () => {
    expect(commandInvocation(command({ command: '/desk', text: 'escalate 4 why?' }), '/desk').text).toBe('escalate 4 why?');
    expect(commandInvocation(command({ command: '/desk', text: '  ' }), '/desk').text).toBe('help');
    expect(commandInvocation(command({ command: '/helpdesk', text: 'oncall' }), '/helpdesk').text).toBe('oncall');
  });

  it('passes escaped Slack mentions through unchanged, so the lexer reads them as mentions', () => {
    const { text } = commandInvocation(command({ text: 'assign 12 <@U0BOB|bob>' }), '/desk');
    expect(text).toBe('ticket assign 12 <@U0BOB|bob>');
    expect(tokenize(text).at(-1)).toMatchObject({ kind: 'mention', value: 'U0BOB' });
  });

  it('names a slash command for every family plus the prefix', () => {
    const registry = buildRegistry();
    const names = slashCommandNames(registry, '/desk');
    expect(names).toContain('/ticket');
    expect(names).toContain('/known-issue');
    expect(names.at(-1)).toBe('/desk');
    expect(names).toHaveLength(registry.allFamilies().length + 1);
  });
});

describe('actionInvocation', () => {
  const press = (value: string | undefined): BlockAction<ButtonAction> =>
    ({
      type: 'block_actions',
      user: { id: 'U0BOB', username: 'bob' },
      channel: { id: 'C0HELP', name: 'helpdesk' },
      container: { type: 'message', channel_id: 'C0HELP', message_ts: '1.2', thread_ts: '1.0' },
      trigger_id: 'trig-9',
      response_url: 'https://hooks.slack.test/r',
      actions: [{ type: 'button', action_id: 'deskops:cmd:0', block_id: 'b', action_ts: '1.3', text: { type: 'plain_text', text: 'x' }, ...(value === undefined ? {} : { value }) }],
    }) as unknown as BlockAction<ButtonAction>;

  it('runs the button value as the presser, in the thread, keyed by trigger id', () => {
    expect(actionInvocation(press('/ticket assign 3 me'))).toEqual({
      platform: 'slack',
      user: { externalId: 'U0BOB', handle: 'bob' },
      channel: 'C0HELP',
      thread: '1.0',
      text: '/ticket assign 3 me',
      idempotencyKey: 'slack:action:trig-9',
    });
  });

  it('ignores a button without a command', () => {
    expect(actionInvocation(press(undefined))).toBeUndefined();
  });
});

describe('modalRoute', () => {
  const registry = buildRegistry();
  it.each([
    ['ticket new', { kind: 'new-ticket' }],
    ['/t new', { kind: 'new-ticket' }],
    ['escalate 12', { kind: 'escalate', ticketId: 12 }],
    ['/escalate #12 ', { kind: 'escalate', ticketId: 12 }],
    ['esc 7', { kind: 'escalate', ticketId: 7 }],
    ['ticket handoff 5', { kind: 'handoff', ticketId: 5 }],
  ])('%s opens a form', (text, route) => {
    expect(modalRoute(registry, text)).toEqual(route);
  });

  it.each(['ticket new "Login fails"', 'escalate 12 why?', 'ticket handoff 5 product because', 'ticket list', 'escalate', 'ticket new "unclosed', 'nonsense'])('%s runs as typed', (text) => {
    expect(modalRoute(registry, text)).toBeUndefined();
  });
});
