/** The Block Kit renderer: layout, escaping, inert mass mentions, and every Block Kit limit for any Reply. */
import fc from 'fast-check';
import { checkProperty } from '../doubles/property.js';
import { describe, expect, it } from 'vitest';
import type { types } from '@slack/bolt';
import { escapeMrkdwn, renderBlocks, renderModalTitle, BLOCK_KIT_LIMITS, truncateForSlack, type SlackMessage } from '../../src/adapters/slack/render.js';
import type { Reply, Tone } from '../../src/views/reply.js';

type Block = types.KnownBlock;

const reply = (extras: Partial<Reply> = {}): Reply => ({ tone: 'info', visibility: 'channel', audience: 'staff', title: 'Ticket #42', ...extras });

function sectionText(block: Block | undefined): string {
  if (block?.type !== 'section' || !block.text) throw new Error(`not a section with text: ${JSON.stringify(block)}`);
  return block.text.text;
}

/** Every human-visible string in a message (button values are data, never shown). */
function visibleTexts(message: SlackMessage): string[] {
  const texts = [message.text];
  for (const block of message.blocks) {
    if (block.type === 'section') texts.push(...(block.text ? [block.text.text] : []), ...(block.fields ?? []).map((f) => f.text));
    if (block.type === 'context') texts.push(...block.elements.map((e) => ('text' in e ? e.text : '')));
    if (block.type === 'actions') for (const e of block.elements) if (e.type === 'button') texts.push(e.text.text);
  }
  return texts;
}

// eslint-disable-next-line no-control-regex
const FORBIDDEN_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Throws with the first Block Kit limit the message breaks. */
function assertWithinLimits(message: SlackMessage): void {
  const { blocks } = message;
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.blocksPerMessage);
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.fallbackText);
  const actionIds = new Set<string>();
  for (const block of blocks) {
    if (block.type === 'section') {
      expect(block.text !== undefined || (block.fields ?? []).length > 0).toBe(true);
      if (block.text) expect(block.text.text.trim().length).toBeGreaterThan(0);
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.sectionText);
      expect((block.fields ?? []).length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.fieldsPerSection);
      for (const field of block.fields ?? []) {
        expect(field.text.trim().length).toBeGreaterThan(0);
        expect(field.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.fieldText);
      }
    } else if (block.type === 'actions') {
      expect(block.elements.length).toBeGreaterThan(0);
      expect(block.elements.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.buttonsPerActions);
      for (const element of block.elements) {
        if (element.type !== 'button') throw new Error(`unexpected element ${element.type}`);
        expect(element.text.text.length).toBeGreaterThan(0);
        expect(element.text.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.buttonText);
        expect((element.value ?? '').length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.buttonValue);
        expect(actionIds.has(element.action_id!)).toBe(false);
        actionIds.add(element.action_id!);
      }
    } else if (block.type === 'context') {
      expect(block.elements.length).toBeLessThanOrEqual(10);
      for (const element of block.elements) if ('text' in element) expect(element.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.contextText);
    } else {
      throw new Error(`unexpected block type ${block.type}`);
    }
  }
  for (const text of visibleTexts(message)) {
    // A mass mention is only live as <!…> or as a bare @channel/@here/@everyone.
    expect(text).not.toMatch(/<!/);
    expect(text).not.toMatch(/@(channel|here|everyone)/i);
    expect(text).not.toMatch(FORBIDDEN_CHARS);
  }
}

describe('renderBlocks: layout', () => {
  it('renders title with its tone, text, fields, sections, buttons and footer in order', () => {
    const message = renderBlocks(
      reply({
        tone: 'warning',
        title: 'SLA *yellow* for #42',
        text: 'Printer on fire\nsecond line',
        fields: [
          { label: 'Priority', value: 'high' },
          { label: 'Tier', value: '' },
        ],
        sections: [{ heading: 'History', lines: ['opened', 'assigned'] }],
        buttons: [
          { label: 'Assign to me', command: '/ticket assign 42 me', style: 'primary' },
          { label: 'Close', command: '/ticket close 42', style: 'danger' },
          { label: 'Show', command: '/ticket show 42' },
        ],
        footer: 'deskops · T2',
      }),
    );
    expect(message.blocks.map((b) => b.type)).toEqual(['section', 'section', 'section', 'section', 'actions', 'context']);
    expect(sectionText(message.blocks[0])).toBe('⚠️ *SLA *yellow* for #42*');
    expect(sectionText(message.blocks[1])).toBe('Printer on fire\nsecond line');
    const fields = message.blocks[2]!.type === 'section' ? message.blocks[2]!.fields : [];
    expect(fields?.map((f) => f.text)).toEqual(['*Priority*\nhigh', '*Tier*\n—']);
    expect(sectionText(message.blocks[3])).toBe('*History*\nopened\nassigned');
    const actions = message.blocks[4]!;
    expect(actions.type === 'actions' && actions.elements).toEqual([
      { type: 'button', action_id: 'deskops:cmd:0', text: { type: 'plain_text', text: 'Assign to me', emoji: true }, value: '/ticket assign 42 me', style: 'primary' },
      { type: 'button', action_id: 'deskops:cmd:1', text: { type: 'plain_text', text: 'Close', emoji: true }, value: '/ticket close 42', style: 'danger' },
      { type: 'button', action_id: 'deskops:cmd:2', text: { type: 'plain_text', text: 'Show', emoji: true }, value: '/ticket show 42' },
    ]);
    expect(message.blocks[5]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'deskops · T2' }] });
    expect(message.text).toBe('⚠️ SLA *yellow* for #42 — Printer on fire');
  });

  it('gives a template button its own action and the command with its missing part named', () => {
    const message = renderBlocks(reply({ buttons: [{ label: 'Escalate', command: '/escalate 42', needs: '<question>' }] }));
    const actions = message.blocks.find((b) => b.type === 'actions')!;
    expect(actions.type === 'actions' && actions.elements).toEqual([
      { type: 'button', action_id: 'deskops:tpl:0', text: { type: 'plain_text', text: 'Escalate', emoji: true }, value: '/escalate 42 <question>' },
    ]);
  });

  it.each<[Tone, string]>([
    ['success', '✅'],
    ['info', 'ℹ️'],
    ['warning', '⚠️'],
    ['error', '❌'],
  ])('marks a %s title with %s', (tone, emoji) => {
    expect(sectionText(renderBlocks(reply({ tone })).blocks[0]).startsWith(emoji)).toBe(true);
  });

  it('splits fields into sections of ten and buttons into actions blocks of 25', () => {
    const fields = Array.from({ length: 23 }, (_, i) => ({ label: `F${i}`, value: `v${i}` }));
    const buttons = Array.from({ length: 30 }, (_, i) => ({ label: `B${i}`, command: `/ticket show ${i}` }));
    const { blocks } = renderBlocks(reply({ fields, buttons }));
    const fieldCounts = blocks.flatMap((b) => (b.type === 'section' && b.fields ? [b.fields.length] : []));
    expect(fieldCounts).toEqual([10, 10, 3]);
    const buttonCounts = blocks.flatMap((b) => (b.type === 'actions' ? [b.elements.length] : []));
    expect(buttonCounts).toEqual([25, 5]);
  });

  it('keeps title, buttons and footer when the body overflows 50 blocks, and says how much is not shown', () => {
    const sections = Array.from({ length: 80 }, (_, i) => ({ heading: `Part ${i}`, lines: ['x'] }));
    const { blocks } = renderBlocks(reply({ sections, buttons: [{ label: 'Show', command: '/ticket show 1' }], footer: 'end' }));
    expect(blocks).toHaveLength(50);
    expect(blocks[0]!.type).toBe('section');
    expect(blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'end' }] });
    expect(blocks.at(-2)!.type).toBe('actions');
    expect(JSON.stringify(blocks.at(-3))).toContain('34 more parts not shown');
  });

  it('cuts long text with a visible "… more" instead of letting Slack reject it', () => {
    const { blocks } = renderBlocks(reply({ text: 'word '.repeat(2000), fields: [{ label: 'Long', value: 'y'.repeat(5000) }] }));
    const text = sectionText(blocks[1]);
    expect(text.length).toBeLessThanOrEqual(3000);
    expect(text.endsWith('… more')).toBe(true);
    const field = blocks[2]!.type === 'section' ? blocks[2]!.fields![0]!.text : '';
    expect(field.length).toBeLessThanOrEqual(2000);
    expect(field.endsWith('… more')).toBe(true);
  });

  it('drops a button whose command is too long to carry whole, and shortens long labels', () => {
    const { blocks } = renderBlocks(reply({ buttons: [{ label: 'L'.repeat(100), command: '/ticket show 1' }, { label: 'Too long', command: `/ticket reply 1 ${'x'.repeat(2000)}` }] }));
    const actions = blocks.find((b) => b.type === 'actions');
    expect(actions?.type === 'actions' && actions.elements).toHaveLength(1);
    const first = actions?.type === 'actions' ? actions.elements[0] : undefined;
    expect(first?.type === 'button' && first.text.text).toBe(`${'L'.repeat(74)}…`);
  });

  it('pings cc entries that are Slack user ids and shows others as text', () => {
    const { blocks } = renderBlocks(reply(), { cc: ['U0ALICE', '@bob', 'U0ALICE', '<!here>'] });
    expect(blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'cc <@U0ALICE> @bob &lt;!here&gt;' }] });
  });
});

describe('escaping', () => {
  it('escapes &, < and > and defuses every mass mention', () => {
    expect(escapeMrkdwn('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(escapeMrkdwn('<!here> <!channel|channel> <!subteam^S1|@ops>')).toBe('&lt;!here&gt; &lt;!channel|channel&gt; &lt;!subteam^S1|@ops&gt;');
    expect(escapeMrkdwn('hi @here and @Channel, @everyone')).toBe('hi @\u200Dhere and @\u200DChannel, @\u200Deveryone');
    expect(escapeMrkdwn('<https://evil.example|click>')).toBe('&lt;https://evil.example|click&gt;');
  });

  it('keeps channel links quoted from Slack, and shows quoted user mentions as text that pings nobody', () => {
    expect(escapeMrkdwn('ask <@U0123ABC> in <#C0456DEF|support> & <@U0123ABC|alice>')).toBe('ask @U0123ABC in <#C0456DEF|support> &amp; @alice');
  });

  it('removes bidi overrides and zero-width characters, keeping the joiners inside emoji', () => {
    expect(escapeMrkdwn('pay‮fdp.exe ​hid⁠den ﻿x 👩‍💻 a‍b')).toBe('payfdp.exe hidden x 👩‍💻 ab');
  });

  it('removes control characters and lone surrogates', () => {
    expect(escapeMrkdwn('a\u0000b\u0007c\r\nd\te\uD800f')).toBe('abc\nd ef');
  });

  it('never cuts inside an entity, a mention or a surrogate pair', () => {
    expect(truncateForSlack(`aaaaa&amp;${'b'.repeat(10)}`, 16)).toBe('aaaaa … more');
    expect(truncateForSlack(`${'a'.repeat(10)}<@U0123ABC> tail`, 20)).toBe(`${'a'.repeat(10)} … more`);
    expect(truncateForSlack('aaa😀😀😀😀😀zzzz', 13)).toBe('aaa😀 … more');
    expect(truncateForSlack('short', 10)).toBe('short');
  });

  it('makes modal titles of at most 24 characters, never empty', () => {
    expect(renderModalTitle('Escalate ticket #123456 to T3')).toEqual({ type: 'plain_text', text: 'Escalate ticket #123456…' });
    expect(renderModalTitle('   ')).toEqual({ type: 'plain_text', text: 'deskops' });
    expect(renderModalTitle('New ticket')).toEqual({ type: 'plain_text', text: 'New ticket' });
  });
});

describe('renderBlocks: any Reply', () => {
  const nasty = fc.constantFrom(
    '@channel', '@here', '@everyone', '@HERE', '<!channel>', '<!here>', '<!everyone>', '<!here|here>', '<!subteam^S0123|@ops>',
    '<@U0123ABC>', '<#C0123|general>', '&lt;!here&gt;', '<', '>', '&', '*', '_', '`', '\n', '\r', '\t', '\u0000', '\u001B[31m', '\u007F',
    '\uD800', '\uDC00', '😀', 'é', '\u200D', '@', '!', 'here', '<!', '&amp',
  );
  const piece = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), nasty);
  const text = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
  const huge = fc
    .tuple(fc.constantFrom('a', '@here ', '<!here> ', '😀', '&<>', 'word '), fc.integer({ min: 1, max: 100_000 }))
    .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));
  const anyText = fc.oneof({ weight: 4, arbitrary: text }, { weight: 1, arbitrary: huge });
  const anyReply: fc.Arbitrary<Reply> = fc.record(
    {
      tone: fc.constantFrom<Tone>('success', 'info', 'warning', 'error'),
      visibility: fc.constantFrom<Reply['visibility']>('channel', 'ephemeral'),
    audience: fc.constantFrom<Reply['audience']>('staff', 'requester'),
      title: anyText,
      text: anyText,
      fields: fc.array(fc.record({ label: anyText, value: anyText }), { maxLength: 40 }),
      sections: fc.array(fc.record({ heading: fc.option(anyText, { nil: undefined }), lines: fc.array(anyText, { maxLength: 5 }) }, { requiredKeys: ['lines'] }), { maxLength: 70 }),
      buttons: fc.array(fc.record({ label: anyText, command: anyText, style: fc.option(fc.constantFrom<'primary' | 'danger'>('primary', 'danger'), { nil: undefined }) }, { requiredKeys: ['label', 'command'] }), { maxLength: 120 }),
      footer: anyText,
    },
    { requiredKeys: ['tone', 'visibility', 'audience', 'title'] },
  );

  it('stays within every Block Kit limit and never carries a live mass mention', () => {
    checkProperty(
      fc.property(anyReply, fc.array(anyText, { maxLength: 4 }), (any, cc) => {
        assertWithinLimits(renderBlocks(any, { cc }));
      }),
      { numRuns: 150 },
    );
  });
});
