/**
 * Any Reply with mass mentions and control characters in any slot (title, text, field labels and
 * values, section headings and lines, button labels and commands, footer), alone, coalesced with
 * others or carrying cc lines, renders inert on every platform: the terminal, Slack (blocks and
 * fallback text) and Rocket.Chat (message and attachment), within each platform's limits.
 */
import fc from 'fast-check';
import { checkProperty } from '../doubles/property.js';
import { describe, expect, it } from 'vitest';
import { messageLength, renderMessage } from '../../src/adapters/rocketchat/render.js';
import { renderBlocks } from '../../src/adapters/slack/render.js';
import { coalesceReplies, isReply, withCc } from '../../src/views/delivery.js';
import { renderText } from '../../src/views/render-text.js';
import type { Reply, Tone } from '../../src/views/reply.js';
import { LIVE_ROCKETCHAT_MASS_MENTION } from '../doubles/mentions.js';

const SEED = 99;
const PIECES = [
  '<!channel>', '<!here>', '<!everyone>', '<!subteam^S0123|@support>', '<!here|here>', '@channel', '@here', '@everyone', '@all', '@HeRe',
  '@\u0000all', '@\u0007here', '<\u0000!here>', '<\u200b!here>', '\u001b[2J', '\u001b]0;title\u0007', '\u009b2J', '\r\n', '\t', '\u0085', '\ud800', '\udc00',
  '*bold*', '_it_', '`code`', '&lt;!here&gt;', '&amp;', '<@U0ALICE|alice>', '<#C0123|general>', '🎫', 'x',
];
const text = fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: fc.string({ maxLength: 8, unit: 'binary' }) }), { maxLength: 6 }).map((p) => p.join(''));
const tone = fc.constantFrom<Tone>('success', 'info', 'warning', 'error');
const reply: fc.Arbitrary<Reply> = fc.record(
  {
    tone,
    visibility: fc.constantFrom<Reply['visibility']>('channel', 'ephemeral'),
    audience: fc.constantFrom<Reply['audience']>('staff', 'requester'),
    title: text,
    text,
    fields: fc.array(fc.record({ label: text, value: text }), { maxLength: 4 }),
    sections: fc.array(fc.record({ heading: text, lines: fc.array(text, { maxLength: 3 }) }, { requiredKeys: ['lines'] }), { maxLength: 3 }),
    buttons: fc.array(fc.record({ label: text, command: text }), { maxLength: 3 }),
    footer: text,
  },
  { requiredKeys: ['tone', 'visibility', 'audience', 'title'] },
);

const SLACK_PING = /<!|@(?:here|channel|everyone)/i;
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;

function expectInert(r: Reply, cc: readonly string[]): void {
  expect(renderText(r, 'plain')).not.toMatch(TERMINAL_CONTROL);
  // Colour adds our own SGR codes; nothing else may reach the terminal.
  // eslint-disable-next-line no-control-regex
  expect(renderText(r, 'color').replace(/\u001b\[\d+(?:;\d+)*m/g, '')).not.toMatch(TERMINAL_CONTROL);
  const slack = renderBlocks(r, { cc });
  expect(JSON.stringify([slack.text, slack.blocks]).replace(/"value":"(?:[^"\\]|\\.)*"/g, '')).not.toMatch(SLACK_PING);
  expect(slack.text.length).toBeLessThanOrEqual(3000);
  expect(slack.blocks.length).toBeLessThanOrEqual(50);
  const rocket = renderMessage(r, { mentions: cc });
  const shown = JSON.stringify([rocket.msg, ...rocket.attachments.map((a) => [a.title, a.text, a.fields, (a.actions ?? []).map((b) => b.text)])]);
  expect(shown).not.toMatch(LIVE_ROCKETCHAT_MASS_MENTION);
  expect(messageLength(rocket)).toBeLessThanOrEqual(5000);
}

describe('hostile replies on every platform', () => {
  const cc = fc.array(fc.constantFrom('all', 'here', 'channel', 'everyone', '@here', 'alice', 'U0ALICE', '<!here>', 'a\u0000b', ' '), { maxLength: 4 });

  it('a single reply, with cc', () => {
    checkProperty(fc.property(reply, cc, (r, people) => expectInert(r, people)), { numRuns: 600, seed: SEED });
  });

  it('several notifications coalesced into one message, with cc lines as the shell adds them', () => {
    checkProperty(
      fc.property(fc.array(reply, { minLength: 2, maxLength: 6 }), cc, (replies, people) => {
        const message = coalesceReplies(replies);
        expectInert(message, people);
        expectInert(withCc(message, people.map((p) => `@${p}`)), people);
      }),
      { numRuns: 200, seed: SEED },
    );
  });

  it('a stored outbox payload of any shape is either a Reply every renderer takes, or refused as not one', () => {
    // Mostly well-formed parts, with a chance of the wrong type in any of them.
    const or = <T,>(good: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<unknown> });
    const loose = fc.record(
      {
        tone,
        visibility: fc.constantFrom('channel', 'ephemeral'),
        audience: or(fc.constantFrom('staff', 'requester')),
        title: or(text),
        text: or(text),
        fields: or(fc.array(fc.record({ label: text, value: or(text) }), { maxLength: 3 })),
        sections: or(fc.array(fc.record({ heading: or(text), lines: or(fc.array(text, { maxLength: 3 })) }, { requiredKeys: ['lines'] }), { maxLength: 3 })),
        buttons: or(fc.array(fc.record({ label: text, command: text, style: fc.constantFrom('primary', 'danger', 'shiny') }, { requiredKeys: ['label', 'command'] }), { maxLength: 3 })),
        footer: or(text),
        ticketId: or(fc.integer()),
      },
      { requiredKeys: ['tone', 'visibility', 'audience'] },
    );
    let accepted = 0;
    checkProperty(
      fc.property(loose, (payload) => {
        const stored: unknown = JSON.parse(JSON.stringify(payload));
        if (!isReply(stored)) return;
        accepted++;
        expectInert(stored, []);
        expectInert(coalesceReplies([stored, stored]), []);
      }),
      { numRuns: 600, seed: SEED },
    );
    expect(accepted).toBeGreaterThan(20);
  });
});
