/**
 * Renders a Reply as Slack Block Kit. Everything a Reply carries is treated as untrusted text:
 * it is cleaned of control characters, escaped for mrkdwn (&, <, >), its mass mentions made inert,
 * and cut to Block Kit's limits with a visible "… more", so Slack never rejects a message for its
 * content. deskops' own pings go through `cc` (Slack user ids), never through Reply text.
 */
import { stripInvisible } from '../../views/inert.js';
import type { types } from '@slack/bolt';
import { buttonTemplate, type Reply, type ReplyButton, type ReplyField, type ReplySection, type Tone } from '../../views/reply.js';

type KnownBlock = types.KnownBlock;
type SectionBlock = types.SectionBlock;
type ContextBlock = types.ContextBlock;
type ActionsBlock = types.ActionsBlock;
type Button = types.Button;
type MrkdwnElement = types.MrkdwnElement;
type PlainTextElement = types.PlainTextElement;

/** Block Kit's documented limits (https://docs.slack.dev/reference/block-kit). */
export const BLOCK_KIT_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  buttonsPerActions: 25,
  buttonText: 75,
  buttonValue: 2000,
  contextText: 2000,
  modalTitle: 24,
  /** The notification fallback; Slack truncates `text` at 40,000, but a notification needs far less. */
  fallbackText: 3000,
} as const;

/** Beyond this a reply is not a chat message any more; the rest is reported as not shown. */
const MAX_ACTIONS_BLOCKS = 4;
const MORE = ' … more';
const TONE_EMOJI: Record<Tone, string> = { success: '✅', info: 'ℹ️', warning: '⚠️', error: '❌' };

/** A Slack-rendered message: the notification fallback text and the blocks. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export interface RenderOptions {
  /** Slack user ids to ping in a "cc" line (deskops' own mentions); other entries show as text. */
  cc?: readonly string[];
}

/** A channel link quoted from Slack (<#C123|name>): it pings nobody, so it stays a link. */
const CHANNEL_LINK = /<#C[A-Z0-9]{2,20}(?:\|[^<>&|\n]{0,80})?>/g;
/**
 * A user mention quoted from Slack (<@U123|alice>, <@U123>): shown as "@alice" text. Quoted in a
 * title it would ping that person in every notification about the ticket; deskops pings the
 * people it means through the cc line, by id.
 */
const USER_MENTION = /<@([UW][A-Z0-9]{2,20})(?:\|([^<>&|\n]{0,80}))?>/g;
const MASS_MENTION = /@(channel|here|everyone)/gi;
const USER_ID_PATTERN = /^[UW][A-Z0-9]{2,20}$/;

/** Removes invisible characters (views/inert.ts) and turns quoted user mentions into plain "@name". */
function clean(text: string): string {
  return stripInvisible(text).replace(USER_MENTION, (_, id: string, name: string | undefined) => `@${name?.trim() || id}`);
}

/** `@here` -> `@\u200Dhere`: the zero-width joiner keeps it readable but Slack no longer sees a mention. */
function defuse(text: string): string {
  return text.replace(MASS_MENTION, '@\u200D$1');
}

function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * User text as safe mrkdwn: cleaned, &<> escaped (so `<!here>` shows as text), except channel
 * links quoted from Slack; quoted user mentions become plain "@name"; mass mentions defused.
 */
export function escapeMrkdwn(text: string): string {
  const cleaned = clean(text);
  let out = '';
  let last = 0;
  for (const match of cleaned.matchAll(CHANNEL_LINK)) {
    out += escapeEntities(cleaned.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return defuse(out + escapeEntities(cleaned.slice(last)));
}

/** User text for a plain_text object: Slack does not parse it, but mass mentions are defused anyway. */
function plain(text: string): string {
  return defuse(clean(text).replace(/\s*\n\s*/g, ' ').replace(/<!/g, '<\u200D!'));
}

/** `cut`, or one less when it would split a surrogate pair. */
function codePointCut(text: string, cut: number): number {
  const code = text.charCodeAt(cut - 1);
  return code >= 0xd800 && code <= 0xdbff ? cut - 1 : cut;
}

/** The last index <= `cut` that splits neither a surrogate pair, an &entity; nor a <@U123> token. */
function safeCut(text: string, cut: number): number {
  let at = codePointCut(text, cut);
  const amp = text.lastIndexOf('&', at - 1);
  if (amp >= 0 && amp >= at - 6 && !text.slice(amp, at).includes(';')) at = amp;
  // Only mention tokens keep a raw '<' in escaped text, and they are short.
  const open = text.lastIndexOf('<', at - 1);
  if (open >= 0 && open >= at - 120 && text.lastIndexOf('>', at - 1) < open) at = open;
  return at;
}

/**
 * `text` cut to at most `max` UTF-16 units (Slack's counting, or stricter), ending in "… more"
 * when cut; never splits a surrogate pair, an HTML entity or a mention token.
 */
export function truncateForSlack(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= MORE.length) return text.slice(0, safeCut(text, max));
  const kept = text.slice(0, safeCut(text, max - MORE.length)).trimEnd();
  return `${kept}${MORE}`.trimStart();
}

/** A modal title (plain text, at most 24 characters); never empty, as views.open requires. */
export function renderModalTitle(text: string): PlainTextElement {
  const title = plain(text).trim();
  if (title.length <= BLOCK_KIT_LIMITS.modalTitle) return { type: 'plain_text', text: title || 'deskops' };
  // "… more" would eat a quarter of the title: a bare ellipsis says the same here.
  return { type: 'plain_text', text: truncatePlain(title, BLOCK_KIT_LIMITS.modalTitle) };
}

/** Plain text cut to `max` with a trailing ellipsis (no markup to protect, so no "… more" either). */
function truncatePlain(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, codePointCut(text, max - 1)).trimEnd()}…`;
}

function mrkdwn(text: string, max: number): MrkdwnElement {
  return { type: 'mrkdwn', text: truncateForSlack(text, max) };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: mrkdwn(text, BLOCK_KIT_LIMITS.sectionText) };
}

function context(text: string): ContextBlock {
  return { type: 'context', elements: [mrkdwn(text, BLOCK_KIT_LIMITS.contextText)] };
}

function nonEmpty(text: string): boolean {
  return text.trim() !== '';
}

/** One line, for headings and labels inside bold markers. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function titleBlock(reply: Reply): SectionBlock {
  const [first = '', ...rest] = escapeMrkdwn(reply.title).split('\n').filter(nonEmpty);
  const heading = first.trim() ? `*${first.trim()}*` : '';
  return section([`${TONE_EMOJI[reply.tone]} ${heading}`.trimEnd(), ...rest].join('\n'));
}

function fieldText(field: ReplyField): MrkdwnElement {
  const label = oneLine(escapeMrkdwn(field.label));
  const value = escapeMrkdwn(field.value).trim() || '—';
  return mrkdwn(label ? `*${label}*\n${value}` : value, BLOCK_KIT_LIMITS.fieldText);
}

function fieldBlocks(fields: readonly ReplyField[]): SectionBlock[] {
  const blocks: SectionBlock[] = [];
  for (let start = 0; start < fields.length; start += BLOCK_KIT_LIMITS.fieldsPerSection) {
    blocks.push({ type: 'section', fields: fields.slice(start, start + BLOCK_KIT_LIMITS.fieldsPerSection).map(fieldText) });
  }
  return blocks;
}

function sectionBlock(part: ReplySection): SectionBlock | undefined {
  const heading = part.heading ? oneLine(escapeMrkdwn(part.heading)) : '';
  const body = part.lines.map(escapeMrkdwn).join('\n').split('\n').filter(nonEmpty).join('\n');
  const text = [heading ? `*${heading}*` : '', body].filter(nonEmpty).join('\n');
  return nonEmpty(text) ? section(text) : undefined;
}

/**
 * A button, or undefined when its command cannot be carried whole (a cut command would run
 * something else). A template button (`needs`) carries the command with its missing part named and
 * its own action id: pressing it opens the command's form, or shows what to type, never runs it.
 */
function button(item: ReplyButton, index: number): Button | undefined {
  const value = clean(buttonTemplate(item)).trim();
  if (!value || value.length > BLOCK_KIT_LIMITS.buttonValue) return undefined;
  const label = plain(item.label).trim() || plain(value);
  const rendered: Button = {
    type: 'button',
    action_id: item.needs ? `deskops:tpl:${index}` : `deskops:cmd:${index}`,
    text: { type: 'plain_text', text: truncatePlain(label, BLOCK_KIT_LIMITS.buttonText), emoji: true },
    value,
  };
  if (item.style) rendered.style = item.style;
  return rendered;
}

function actionBlocks(buttons: readonly ReplyButton[]): ActionsBlock[] {
  const rendered = buttons.map(button).filter((b): b is Button => b !== undefined);
  const blocks: ActionsBlock[] = [];
  for (let start = 0; start < rendered.length && blocks.length < MAX_ACTIONS_BLOCKS; start += BLOCK_KIT_LIMITS.buttonsPerActions) {
    blocks.push({ type: 'actions', elements: rendered.slice(start, start + BLOCK_KIT_LIMITS.buttonsPerActions) });
  }
  return blocks;
}

function ccBlock(cc: readonly string[]): ContextBlock | undefined {
  const unique = [...new Set(cc.map((entry) => entry.trim()).filter(nonEmpty))];
  if (unique.length === 0) return undefined;
  return context(`cc ${unique.map((entry) => (USER_ID_PATTERN.test(entry) ? `<@${entry}>` : escapeMrkdwn(entry))).join(' ')}`);
}

/** The plain fallback for notifications and screen readers: the title and the first line after it. */
function fallbackText(reply: Reply): string {
  const firstLine = [reply.text ?? '', ...(reply.fields ?? []).map((f) => `${f.label}: ${f.value}`), ...(reply.sections ?? []).flatMap((s) => s.lines)]
    .flatMap((text) => text.split(/\r?\n/))
    .find(nonEmpty);
  const title = escapeMrkdwn(reply.title).split('\n').find(nonEmpty)?.trim() ?? '';
  const parts = [`${TONE_EMOJI[reply.tone]} ${title}`.trim(), firstLine ? oneLine(escapeMrkdwn(firstLine)) : ''].filter(nonEmpty);
  return truncateForSlack(parts.join(' — '), BLOCK_KIT_LIMITS.fallbackText);
}

/** A Reply as a Slack message within every Block Kit limit (see BLOCK_KIT_LIMITS). */
export function renderBlocks(reply: Reply, options: RenderOptions = {}): SlackMessage {
  const text = escapeMrkdwn(reply.text ?? '').trim();
  const footerText = escapeMrkdwn(reply.footer ?? '').trim();
  const body: KnownBlock[] = [
    ...(text ? [section(text)] : []),
    ...fieldBlocks(reply.fields ?? []),
    ...(reply.sections ?? []).map(sectionBlock).filter((b): b is SectionBlock => b !== undefined),
  ];
  const footer = footerText ? context(footerText) : undefined;
  const cc = ccBlock(options.cc ?? []);
  const tail: KnownBlock[] = [...actionBlocks(reply.buttons ?? []), ...(cc ? [cc] : []), ...(footer ? [footer] : [])];
  // The title, the buttons, the cc and the footer always show; the body gives way, with a marker.
  const room = BLOCK_KIT_LIMITS.blocksPerMessage - 1 - tail.length;
  const shown = body.length <= room ? body : [...body.slice(0, room - 1), context(`… ${body.length - room + 1} more parts not shown`)];
  return { text: fallbackText(reply), blocks: [titleBlock(reply), ...shown, ...tail] };
}
