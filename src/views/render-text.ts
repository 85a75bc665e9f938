/**
 * Renders a Reply as terminal text. `plain` is for pipes and scripts: no ANSI codes, the inline
 * markers (*bold*, _italic_, `code`) removed, a stable layout. `color` is for a TTY: the same
 * layout with bold, dim and colour from node:util's styleText.
 *
 * A rendered reply never contains an empty line, because piped output separates replies with
 * one; the body hangs two spaces under the title's tone icon.
 */
import { stripInvisible } from './inert.js';
import { stripVTControlCharacters, styleText } from 'node:util';
import { buttonTemplate, type Reply, type ReplyButton, type ReplyField, type ReplySection, type Tone } from './reply.js';

export type TextStyle = 'plain' | 'color';

/** One styleText format (a colour or a modifier such as bold). */
type Format = Exclude<Parameters<typeof styleText>[0], readonly unknown[]>;

const INDENT = '  ';
/** Two field columns are used only while every row stays within this width. */
const TWO_COLUMN_MAX_WIDTH = 80;
const COLUMN_GAP = '    ';
const LABEL_GAP = '  ';

const TONE_ICONS: Record<Tone, string> = { success: '✓', info: 'ℹ', warning: '⚠', error: '✗' };
const TONE_COLORS: Record<Tone, Format> = { success: 'green', info: 'cyan', warning: 'yellow', error: 'red' };

/** One run of inline text with the markup that applies to it. */
export interface InlineSegment {
  text: string;
  bold: boolean;
  italic: boolean;
  code: boolean;
}

const MARKERS = new Set(['*', '_', '`']);

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

function isBlank(ch: string | undefined): boolean {
  return ch === undefined || /\s/u.test(ch);
}

/**
 * Where the marker at `open` closes, or -1. Like Slack's mrkdwn, a marker only counts at a word
 * boundary, so `snake_case`, `2 * 3` and `a*b` stay literal text.
 */
function closingIndex(text: string, open: number): number {
  const marker = text[open]!;
  if (isWordChar(text[open - 1]) || isBlank(text[open + 1]) || text[open + 1] === marker) return -1;
  for (let i = open + 2; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n') return -1;
    if (ch === marker && !isBlank(text[i - 1]) && !isWordChar(text[i + 1])) return i;
  }
  return -1;
}

/** Splits inline text into segments, resolving *bold*, _italic_ and `code` (code is literal). */
export function parseInline(text: string, outer: Omit<InlineSegment, 'text'> = { bold: false, italic: false, code: false }): InlineSegment[] {
  const segments: InlineSegment[] = [];
  let literal = '';
  const flush = () => {
    if (literal) segments.push({ text: literal, ...outer });
    literal = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const close = MARKERS.has(ch) ? closingIndex(text, i) : -1;
    if (close < 0) {
      literal += ch;
      i++;
      continue;
    }
    flush();
    const inner = text.slice(i + 1, close);
    if (ch === '`') segments.push({ text: inner, ...outer, code: true });
    else segments.push(...parseInline(inner, { ...outer, bold: outer.bold || ch === '*', italic: outer.italic || ch === '_' }));
    i = close + 1;
  }
  flush();
  return segments;
}

function style(format: Format | Format[], text: string, textStyle: TextStyle): string {
  // The caller chose colour for its terminal; styleText must not second-guess it against stdout.
  return textStyle === 'color' && text ? styleText(format, text, { validateStream: false }) : text;
}

function segmentFormats(segment: InlineSegment, base: readonly Format[]): Format[] {
  const formats = new Set<Format>(base);
  if (segment.code) formats.add('cyan');
  if (segment.bold) formats.add('bold');
  if (segment.italic) formats.add('italic');
  return [...formats];
}

/** Inline markup rendered for the style: markers removed in `plain`, turned into ANSI in `color`. */
export function renderInline(text: string, textStyle: TextStyle, base: readonly Format[] = []): string {
  // Each segment is styled on its own: nested SGR codes would switch the outer style off early.
  return parseInline(text)
    .map((segment) => style(segmentFormats(segment, base), segment.text, textStyle))
    .join('');
}

// Combining marks, zero-width spaces and joiners, variation selectors. Written as alternatives:
// inside a character class lint (rightly) cannot tell them from the characters they modify.
const ZERO_WIDTH = /^(?:\p{M}|\u200B|\u200C|\u200D|\uFE0E|\uFE0F)$/u;
// Emoji and East Asian wide characters take two terminal columns.
const DOUBLE_WIDTH = /[\p{Emoji_Presentation}\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/u;

/** Columns a string occupies on screen (ANSI codes and combining marks take none). */
function visibleWidth(text: string): number {
  let width = 0;
  for (const ch of stripVTControlCharacters(text)) {
    if (ZERO_WIDTH.test(ch)) continue;
    width += DOUBLE_WIDTH.test(ch) ? 2 : 1;
  }
  return width;
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}

function nonEmptyLines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

/** The first line after `prefix`; the rest indented by `indentWidth` so they line up under it. */
function hanging(prefix: string, lines: readonly string[], indentWidth: number): string[] {
  return lines.map((line, index) => (index === 0 ? prefix : ' '.repeat(indentWidth)) + line);
}

function renderTitle(reply: Reply, textStyle: TextStyle): string[] {
  const [first = '', ...rest] = nonEmptyLines(reply.title);
  const icon = style(TONE_COLORS[reply.tone], TONE_ICONS[reply.tone], textStyle);
  const title = renderInline(first, textStyle, ['bold']);
  return [`${icon} ${title}`, ...rest.map((line) => INDENT + renderInline(line, textStyle))];
}

interface RenderedField {
  label: string;
  lines: string[];
}

function renderField(field: ReplyField, textStyle: TextStyle): RenderedField {
  const lines = nonEmptyLines(field.value).map((line) => renderInline(line, textStyle));
  return { label: renderInline(field.label, textStyle), lines: lines.length > 0 ? lines : ['—'] };
}

function labelCell(label: string, width: number, textStyle: TextStyle): string {
  return style('dim', padEnd(label, width), textStyle);
}

function oneColumn(fields: readonly RenderedField[], textStyle: TextStyle): string[] {
  const labelWidth = Math.max(...fields.map((f) => visibleWidth(f.label)));
  const valueColumn = INDENT.length + labelWidth + LABEL_GAP.length;
  return fields.flatMap((f) => hanging(INDENT + labelCell(f.label, labelWidth, textStyle) + LABEL_GAP, f.lines, valueColumn));
}

/** Fields side by side in pairs, or undefined when a value is multi-line or a row gets too wide. */
function twoColumns(fields: readonly RenderedField[], textStyle: TextStyle): string[] | undefined {
  if (fields.length < 2 || fields.some((f) => f.lines.length > 1)) return undefined;
  const left = fields.filter((_, i) => i % 2 === 0);
  const right = fields.filter((_, i) => i % 2 === 1);
  const widest = (column: readonly RenderedField[], part: (f: RenderedField) => string) => Math.max(...column.map((f) => visibleWidth(part(f))));
  const leftLabel = widest(left, (f) => f.label);
  const leftValue = widest(left, (f) => f.lines[0]!);
  const rightLabel = widest(right, (f) => f.label);
  const rightValue = widest(right, (f) => f.lines[0]!);
  const rowWidth = INDENT.length + leftLabel + LABEL_GAP.length + leftValue + COLUMN_GAP.length + rightLabel + LABEL_GAP.length + rightValue;
  if (rowWidth > TWO_COLUMN_MAX_WIDTH) return undefined;
  return left.map((l, row) => {
    const r = right[row];
    const leftCell = INDENT + labelCell(l.label, leftLabel, textStyle) + LABEL_GAP + l.lines[0]!;
    if (!r) return leftCell;
    return padEnd(leftCell, INDENT.length + leftLabel + LABEL_GAP.length + leftValue) + COLUMN_GAP + labelCell(r.label, rightLabel, textStyle) + LABEL_GAP + r.lines[0]!;
  });
}

function renderFields(fields: readonly ReplyField[], textStyle: TextStyle): string[] {
  if (fields.length === 0) return [];
  const rendered = fields.map((f) => renderField(f, textStyle));
  return twoColumns(rendered, textStyle) ?? oneColumn(rendered, textStyle);
}

function renderSection(section: ReplySection, textStyle: TextStyle): string[] {
  const heading = section.heading ? [INDENT + renderInline(section.heading, textStyle, ['bold'])] : [];
  const bodyIndent = section.heading ? INDENT + INDENT : INDENT;
  // A line may carry its own line breaks and indentation (help's "usage\n    summary").
  const lines = section.lines.flatMap((line) => nonEmptyLines(line)).map((line) => bodyIndent + renderInline(line, textStyle));
  return [...heading, ...lines];
}

function renderButton(button: ReplyButton, textStyle: TextStyle): string {
  // The command stays raw text: it is meant to be copied and typed back (a template, completed first).
  const template = button.needs ? ` ${style('dim', `(fill in ${button.needs})`, textStyle)}` : '';
  return `${INDENT}${style('dim', '→', textStyle)} ${renderInline(button.label, textStyle)}: ${style('cyan', buttonTemplate(button), textStyle)}${template}`;
}

/**
 * Reply text is untrusted (titles, comments, names typed by anyone): control characters would let
 * it move the cursor, clear the screen or retitle the terminal, and bidi controls reorder what is
 * shown, so they go before rendering (views/inert.ts).
 */
export function cleanTerminalText(text: string): string {
  return stripInvisible(text);
}

function cleanReply(reply: Reply): Reply {
  return {
    ...reply,
    title: cleanTerminalText(reply.title),
    ...(reply.text !== undefined ? { text: cleanTerminalText(reply.text) } : {}),
    ...(reply.fields ? { fields: reply.fields.map((f) => ({ label: cleanTerminalText(f.label), value: cleanTerminalText(f.value) })) } : {}),
    ...(reply.sections
      ? { sections: reply.sections.map((s) => ({ ...(s.heading !== undefined ? { heading: cleanTerminalText(s.heading) } : {}), lines: s.lines.map(cleanTerminalText) })) }
      : {}),
    ...(reply.buttons ? { buttons: reply.buttons.map((b) => ({ ...b, label: cleanTerminalText(b.label), command: cleanTerminalText(b.command), ...(b.needs !== undefined ? { needs: cleanTerminalText(b.needs) } : {}) })) } : {}),
    ...(reply.footer !== undefined ? { footer: cleanTerminalText(reply.footer) } : {}),
  };
}

function oneLineText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The reply as lines of terminal text (no trailing newline, no empty lines, no control characters but ours). */
export function renderText(untrusted: Reply, textStyle: TextStyle = 'plain'): string {
  const reply = cleanReply(untrusted);
  const lines = [
    ...renderTitle(reply, textStyle),
    ...nonEmptyLines(reply.text ?? '').map((line) => INDENT + renderInline(line, textStyle)),
    ...renderFields(reply.fields ?? [], textStyle),
    ...(reply.sections ?? []).flatMap((section) => renderSection(section, textStyle)),
    ...(reply.buttons ?? []).map((button) => renderButton(button, textStyle)),
    ...nonEmptyLines(reply.footer ?? '').map((line) => INDENT + renderInline(line, textStyle, ['dim'])),
    ...(reply.chart ? [INDENT + renderInline(`Chart: ${oneLineText(cleanTerminalText(reply.chart.title))} — ${oneLineText(cleanTerminalText(reply.chart.alt))}`, textStyle, ['dim'])] : []),
  ];
  return lines.map((line) => line.trimEnd()).join('\n');
}
