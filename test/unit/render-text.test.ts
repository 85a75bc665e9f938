import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseInline, renderInline, renderText } from '../../src/views/render-text.js';
import { failure, info, success, type Reply } from '../../src/views/reply.js';

const ESC = '\u001b[';

describe('parseInline', () => {
  it('resolves bold, italic and code', () => {
    expect(parseInline('a *b* _c_ `d`')).toEqual([
      { text: 'a ', bold: false, italic: false, code: false },
      { text: 'b', bold: true, italic: false, code: false },
      { text: ' ', bold: false, italic: false, code: false },
      { text: 'c', bold: false, italic: true, code: false },
      { text: ' ', bold: false, italic: false, code: false },
      { text: 'd', bold: false, italic: false, code: true },
    ]);
  });

  it('nests italic inside bold', () => {
    expect(parseInline('*_both_*')).toEqual([{ text: 'both', bold: true, italic: true, code: false }]);
  });

  it('keeps markers inside code literal', () => {
    expect(parseInline('`*not bold* and_snake_`')).toEqual([{ text: '*not bold* and_snake_', bold: false, italic: false, code: true }]);
  });
});

describe('renderInline (plain)', () => {
  it.each([
    ['*High* priority', 'High priority'],
    ['_(leads)_', '(leads)'],
    ['`/ticket show 1`', '/ticket show 1'],
    ['*ESCALATED QUESTION 1*: why?', 'ESCALATED QUESTION 1: why?'],
  ])('strips the markers from %j', (input, expected) => {
    expect(renderInline(input, 'plain')).toBe(expected);
  });

  it.each(['snake_case_name', '2 * 3 * 4', 'a*b*c', 'price: 5 * 2', 'an *unclosed marker', '_ spaced _', '**', 'x_y_', 'multi *line\nbold*'])(
    'leaves %j untouched',
    (input) => {
      expect(renderInline(input, 'plain')).toBe(input);
    },
  );

  it('accepts markers next to punctuation', () => {
    expect(renderInline('(*bold*), "_it_".', 'plain')).toBe('(bold), "it".');
  });
});

describe('renderInline (color)', () => {
  it('turns markup into ANSI styles and strips back to the plain text', () => {
    const colored = renderInline('a *b* `c`', 'color');
    expect(colored).toContain(`${ESC}1mb${ESC}22m`);
    expect(colored).toContain(`${ESC}36mc${ESC}39m`);
    expect(stripVTControlCharacters(colored)).toBe('a b c');
  });

  it('styles each segment separately so a nested style does not end the outer one', () => {
    const colored = renderInline('x *y* z', 'color', ['dim']);
    expect(colored.split(`${ESC}2m`)).toHaveLength(4);
  });
});

describe('renderText (plain)', () => {
  it('renders a title with its tone icon', () => {
    expect(renderText(success('Ticket #1 created'))).toBe('✓ Ticket #1 created');
    expect(renderText(info('Nothing to do'))).toBe('ℹ Nothing to do');
    expect(renderText({ ...info('Careful'), tone: 'warning' })).toBe('⚠ Careful');
    expect(renderText(failure('No such ticket'))).toBe('✗ No such ticket');
  });

  it('lays out a full reply with hanging indentation', () => {
    const reply: Reply = success('Ticket *#1* created: Login fails', {
      text: 'Routed to _Triage_.',
      fields: [
        { label: 'Status', value: 'Open' },
        { label: 'Priority', value: '*High*' },
        { label: 'Tier', value: 'Triage' },
        { label: 'Assignee', value: '' },
        { label: 'Department', value: 'Paid Support' },
      ],
      sections: [{ heading: 'Timeline', lines: ['`12:00` @alice: created'] }],
      buttons: [{ label: 'Assign to me', command: '/ticket assign 1 me' }],
      footer: '_ticket #1_',
    });
    expect(renderText(reply, 'plain')).toBe(
      [
        '✓ Ticket #1 created: Login fails',
        '  Routed to Triage.',
        '  Status      Open            Priority  High',
        '  Tier        Triage          Assignee  —',
        '  Department  Paid Support',
        '  Timeline',
        '    12:00 @alice: created',
        '  → Assign to me: /ticket assign 1 me',
        '  ticket #1',
      ].join('\n'),
    );
  });

  it('falls back to one column for multi-line values, indenting continuation lines', () => {
    const reply = info('Ticket #7', {
      fields: [
        { label: 'Description', value: 'first line\nsecond line' },
        { label: 'Tags', value: 'area:Mobile' },
      ],
    });
    expect(renderText(reply)).toBe(['ℹ Ticket #7', '  Description  first line', '               second line', '  Tags         area:Mobile'].join('\n'));
  });

  it('falls back to one column when two would be too wide', () => {
    const long = 'x'.repeat(40);
    const reply = info('Wide', {
      fields: [
        { label: 'A', value: long },
        { label: 'B', value: long },
      ],
    });
    expect(renderText(reply).split('\n')).toEqual(['ℹ Wide', `  A  ${long}`, `  B  ${long}`]);
  });

  it('aligns values after labels with wide characters', () => {
    const reply = info('Wide chars', {
      fields: [
        { label: '名前', value: 'a' },
        { label: 'Tags', value: 'b' },
        { label: 'ID', value: 'c' },
      ],
    });
    const lines = renderText(reply).split('\n');
    expect(lines[1]).toBe('  名前  a    Tags  b');
    expect(lines[2]).toBe('  ID    c');
  });

  it('indents section lines under their heading, and keeps their own line breaks', () => {
    const reply = info('/ticket — tickets', {
      sections: [{ lines: ['`/ticket new <title>` _(leads)_\n    Creates a ticket'] }, { heading: '*Usage*', lines: ['one', 'two'] }],
    });
    expect(renderText(reply)).toBe(['ℹ /ticket — tickets', '  /ticket new <title> (leads)', '      Creates a ticket', '  Usage', '    one', '    two'].join('\n'));
  });

  it('renders a failure with its hint and usage', () => {
    const reply = failure('"x" is not a ticket number: type it as 42 or #42.', { usage: '/ticket show <id>' });
    expect(renderText(reply)).toBe('✗ "x" is not a ticket number: type it as 42 or #42.\n  Usage: /ticket show <id>');
  });

  it('never emits an empty line or trailing spaces, since blank lines separate piped replies', () => {
    const reply = success('Title\n\nmore title', {
      text: 'para one\n\n\npara two\r\n',
      fields: [
        { label: 'Short', value: 'a' },
        { label: 'Longer label', value: 'b' },
        { label: 'Blank', value: '\n' },
      ],
      sections: [{ heading: 'Empty', lines: [] }, { lines: ['', 'line'] }],
      footer: '\n',
    });
    const lines = renderText(reply).split('\n');
    for (const line of lines) {
      expect(line.trim()).not.toBe('');
      expect(line).toBe(line.trimEnd());
    }
    expect(lines.slice(0, 4)).toEqual(['✓ Title', '  more title', '  para one', '  para two']);
  });

  it('keeps button commands verbatim so they can be copied', () => {
    const reply = info('Next', { buttons: [{ label: '*Escalate*', command: '/escalate 1 "why *this*?"' }] });
    expect(renderText(reply)).toBe('ℹ Next\n  → Escalate: /escalate 1 "why *this*?"');
  });

  it('shows a template button as the command to complete, naming the missing part', () => {
    const reply = info('Next', { buttons: [{ label: 'Escalate', command: '/escalate 42', needs: '<question>' }] });
    expect(renderText(reply)).toBe('ℹ Next\n  → Escalate: /escalate 42 <question> (fill in <question>)');
  });

  it('contains no ANSI escape codes', () => {
    const reply = success('*a*', { text: '_b_', fields: [{ label: 'L', value: '`v`' }], footer: 'f', buttons: [{ label: 'x', command: '/y' }] });
    expect(renderText(reply, 'plain')).not.toContain('\u001b');
  });
});

describe('renderText (color)', () => {
  const reply = success('Ticket #1 created', {
    fields: [
      { label: 'Status', value: 'Open' },
      { label: 'Priority', value: '*High*' },
    ],
    buttons: [{ label: 'Assign to me', command: '/ticket assign 1 me' }],
    footer: 'ticket #1',
  });

  it('has the same text and layout as plain once the codes are stripped', () => {
    expect(stripVTControlCharacters(renderText(reply, 'color'))).toBe(renderText(reply, 'plain'));
  });

  it('colours the tone icon, bolds the title and dims the footer', () => {
    const colored = renderText(reply, 'color');
    expect(colored.startsWith(`${ESC}32m✓${ESC}39m ${ESC}1mTicket #1 created${ESC}22m`)).toBe(true);
    expect(colored).toContain(`${ESC}2mticket #1${ESC}22m`);
    expect(renderText(failure('Nope'), 'color')).toContain(`${ESC}31m✗`);
  });
});
