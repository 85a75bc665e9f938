/** The pure parts of the Slack interactive surfaces: quoting for the lexer, message text, requesters. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkProperty } from '../doubles/property.js';
import { quoteArg } from '../../src/adapters/slack/interactions/common.js';
import { escalateCommand } from '../../src/adapters/slack/interactions/escalate-modal.js';
import { slackToPlain } from '../../src/adapters/slack/interactions/messages.js';
import { titleFromText } from '../../src/app/chat-messages.js';
import { reactionAction } from '../../src/app/intake.js';
import { commentFromMessage, ticketNumber } from '../../src/adapters/slack/interactions/shortcuts.js';
import { normalizeRequester } from '../../src/adapters/slack/interactions/ticket-modal.js';
import { splitQuestions } from '../../src/domain/escalation.js';
import { tokenize } from '../../src/commands/tokenize.js';
import { teamSettings } from '../../src/store/schema.js';
import { createTestDesk } from '../doubles/deskops.js';
import { insertRows } from '../doubles/db.js';

describe('quoteArg', () => {
  it('survives the lexer as one token with the text unchanged, whatever the text', () => {
    checkProperty(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '"', '“', '”', '„', '\\', ':', '@', '\n', '|', 'x') }), (text) => {
        const tokens = tokenize(quoteArg(text));
        expect(tokens).toHaveLength(1);
        expect(tokens[0]).toMatchObject({ kind: 'quoted', value: text });
      }),
      { numRuns: 100 },
    );
  });

  it('keeps each escalation question whole, with a typed "|" shown as "¦"', () => {
    const command = escalateCommand(7, 't2', ['Why "SSO" loops?', 'a | b']);
    const tokens = tokenize(command.replace(/^\//, ''));
    expect(tokens.map((t) => t.kind)).toEqual(['word', 'word', 'option', 'quoted']);
    expect(splitQuestions(tokens[3]!.value)).toEqual(['Why "SSO" loops?', 'a ¦ b']);
    expect(tokenize(escalateCommand(7, 'oncall', ['Login is down'], true).slice(1)).map((t) => t.kind)).toEqual(['word', 'word', 'option', 'flag', 'quoted']);
  });
});

describe('message text', () => {
  it("turns Slack's markup into plain text", () => {
    expect(slackToPlain('Hi <@U123|jane>, see <https://x.test/a?b=1&amp;c=2|the doc> in <#C9|support> &lt;now&gt; <!here>')).toBe(
      'Hi @U123, see the doc (https://x.test/a?b=1&c=2) in #support <now> @here',
    );
  });

  it('takes the first non-empty line, at most 200 characters, as the title', () => {
    expect(titleFromText('\n\n  Login fails  \nmore')).toBe('Login fails');
    expect(titleFromText('x'.repeat(300))).toHaveLength(200);
  });

  it('ends a comment with who wrote the message and where', () => {
    expect(commentFromMessage('It broke', 'U1', 'https://acme.slack.com/p1')).toBe('It broke\n\nFrom Slack: @U1 https://acme.slack.com/p1');
    expect(commentFromMessage('It broke', undefined, undefined)).toBe('It broke');
  });

  it('reads ticket numbers as 42 or #42 only', () => {
    expect(ticketNumber(' #42 ')).toBe(42);
    expect(ticketNumber('0')).toBeUndefined();
    expect(ticketNumber('42a')).toBeUndefined();
  });
});

describe('requesters', () => {
  it('accepts an email, an @handle or a Slack mention, and nothing else', () => {
    expect(normalizeRequester('jane@example.com')).toBe('jane@example.com');
    expect(normalizeRequester('@jane.doe')).toBe('@jane.doe');
    expect(normalizeRequester('<@U123|jane>')).toBe('@U123');
    expect(normalizeRequester('jane')).toBeUndefined();
    expect(normalizeRequester('@jane doe')).toBeUndefined();
  });
});

describe('reaction mapping', () => {
  it('uses the defaults until the team stores its own map, and ignores skin tones', () => {
    const desk = createTestDesk();
    try {
      expect(reactionAction(desk.app, 'eyes')).toBe('assign');
      expect(reactionAction(desk.app, 'ticket')).toBe('create-ticket');
      expect(reactionAction(desk.app, 'thumbsup')).toBeUndefined();
      insertRows(desk.app.store, teamSettings, [{ key: 'slack-reactions', value: { raised_hands: 'assign' }, updatedAt: new Date() }]);
      expect(reactionAction(desk.app, 'raised_hands::skin-tone-3')).toBe('assign');
      expect(reactionAction(desk.app, 'eyes')).toBeUndefined();
    } finally {
      desk.dispose();
    }
  });
});
