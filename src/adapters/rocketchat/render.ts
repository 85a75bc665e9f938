/**
 * Renders a Reply as a Rocket.Chat message: the title (with a tone emoji) and the pings in `msg`,
 * everything else in one attachment coloured by tone, buttons as attachment actions that send the
 * command into the room. Reply text is untrusted: control characters go, mass mentions are made
 * inert, and the whole message stays within the server's size limit with a visible "… more".
 * Rocket.Chat's markdown reads *bold* and _italic_ like the Reply markup, so nothing else is escaped.
 */
import { stripInvisible } from '../../views/inert.js';
import { buttonTemplate, type Reply, type ReplyButton, type ReplyField, type Tone } from '../../views/reply.js';

/** Rocket.Chat's default Message_MaxAllowedSize (Administration → Settings → Message). */
export const DEFAULT_MAX_MESSAGE_LENGTH = 5000;

/** One field of an attachment; `short` lets two sit side by side. */
export interface RocketChatField {
  title: string;
  value: string;
  short?: boolean;
}

/** An attachment button that, when clicked, sends `msg` into the room as the clicking user. */
export interface RocketChatAction {
  type: 'button';
  text: string;
  msg: string;
  msg_in_chat_window: true;
  button_alignment?: 'vertical' | 'horizontal';
}

/** The subset of Rocket.Chat's message attachment deskops uses. */
export interface RocketChatAttachment {
  color?: string;
  title?: string;
  text?: string;
  fields?: RocketChatField[];
  actions?: RocketChatAction[];
}

/** A rendered message, as chat.sendMessage takes it (plus rid/tmid). */
export interface RocketChatMessage {
  msg: string;
  attachments: RocketChatAttachment[];
}

/** How to render: who to ping, the command prefix buttons use, the server's size limit. */
export interface RocketChatRenderOptions {
  /** Rocket.Chat usernames to ping (rendered as `@username`); invalid names are left out. */
  mentions?: readonly string[];
  /** What commands start with in Rocket.Chat (DESKOPS_ROCKETCHAT_PREFIX); default '!'. */
  prefix?: string;
  /** The server's message size limit; msg plus all attachment text stays within it. */
  maxLength?: number;
}

const MORE = ' … more';
const TONE_EMOJI: Record<Tone, string> = { success: ':white_check_mark:', info: ':information_source:', warning: ':warning:', error: ':x:' };
/** Error red, warning amber, success green, info Rocket.Chat blue. */
export const TONE_COLOR: Record<Tone, string> = { error: '#d32f2f', warning: '#f5a623', success: '#2e7d32', info: '#1d74f5' };
/** Rocket.Chat's own mention pattern for usernames. */
const USERNAME = /^[A-Za-z0-9._-]{1,64}$/;
/** Words Rocket.Chat (and habit from other chats) treats as notify-everyone mentions. */
const MASS_WORDS = /^(?:all|here|channel|everyone)$/i;
const MASS_MENTION = /@(?=all|here|channel|everyone)/gi;
const MAX_MENTIONS = 20;
const MAX_BUTTONS = 10;
const BUTTON_TEXT_MAX = 75;
/** A command longer than this is not offered as a button (a cut command would run something else). */
const BUTTON_MSG_MAX = 1000;
const FIELD_TITLE_MAX = 100;
const FIELD_VALUE_MAX = 1000;
const SHORT_FIELD = 40;

/** A markdown link [text](url) or Slack-style <url|text>: Rocket.Chat shows only the text, hiding where it goes. */
const MARKDOWN_LINK = /\[([^\]\n]{0,500})\]\(\s*([^)\s]{1,2000})\s*\)/g;
const ANGLE_LINK = /<((?:https?|mailto|ftp):[^|>\s]{1,2000})\|([^>\n]{0,500})>/gi;

/**
 * Untrusted text made safe to post: invisible characters removed first (so removing one cannot
 * join "@" and "all"), links shown with their target ("text (url)"), then a zero-width joiner
 * after every mass-mention "@", which keeps it readable but inert.
 */
export function neutralize(text: string): string {
  return stripInvisible(text)
    .replace(MARKDOWN_LINK, (_, label: string, url: string) => `${label} (${url})`)
    .replace(ANGLE_LINK, (_, url: string, label: string) => `${label} (${url})`)
    .replace(MASS_MENTION, '@\u200D');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function nonEmpty(text: string): boolean {
  return text.trim() !== '';
}

/** `cut`, or one less when it would split a surrogate pair. */
function codePointCut(text: string, cut: number): number {
  const code = text.charCodeAt(cut - 1);
  return code >= 0xd800 && code <= 0xdbff ? cut - 1 : cut;
}

/** `text` within `max` UTF-16 units, ending in "… more" when cut; never splits a surrogate pair. */
export function truncateForRocketChat(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  if (max <= MORE.length) return text.slice(0, codePointCut(text, max));
  return `${text.slice(0, codePointCut(text, max - MORE.length)).trimEnd()}${MORE}`.trimStart();
}

/** `!ticket assign 42 me` for `/ticket assign 42 me`: buttons send what a person would type. */
export function commandText(command: string, prefix = '!'): string {
  const bare = oneLine(neutralize(command)).replace(/^\//, '');
  return bare ? `${prefix}${bare}` : '';
}

/** The pings, as "cc @alice @bob"; names that are not usernames, or are mass words, are left out. */
function mentionLine(usernames: readonly string[], max: number): string {
  const valid = [...new Set(usernames.map((u) => u.trim().replace(/^@/, '')))].filter((u) => USERNAME.test(u) && !MASS_WORDS.test(u)).slice(0, MAX_MENTIONS);
  let line = '';
  for (const name of valid) {
    const next = `${line || 'cc'} @${name}`;
    if (next.length > max) break;
    line = next;
  }
  return line;
}

function titleText(reply: Reply, max: number): string {
  const [first = '', ...rest] = neutralize(reply.title).split('\n').filter(nonEmpty);
  const heading = first.trim() ? ` *${first.trim()}*` : '';
  return truncateForRocketChat([`${TONE_EMOJI[reply.tone]}${heading}`, ...rest].join('\n'), max);
}

/** Buttons whose whole command fits, in order, within `max` characters of text and commands. */
function actions(buttons: readonly ReplyButton[], prefix: string, max: number): RocketChatAction[] {
  const rendered: RocketChatAction[] = [];
  let used = 0;
  for (const button of buttons.filter((b) => !b.needs).slice(0, MAX_BUTTONS)) {
    const msg = commandText(button.command, prefix);
    if (!msg || msg.length > BUTTON_MSG_MAX) continue;
    const text = truncateForRocketChat(oneLine(neutralize(button.label)) || msg, BUTTON_TEXT_MAX);
    if (used + text.length + msg.length > max) break;
    used += text.length + msg.length;
    rendered.push({ type: 'button', text, msg, msg_in_chat_window: true });
  }
  return rendered;
}

/** Fields within `max` characters; the last one that does not fit whole is cut, the rest counted as omitted. */
function fields(items: readonly ReplyField[], max: number): { fields: RocketChatField[]; omitted: number } {
  const out: RocketChatField[] = [];
  let left = max;
  for (const [index, item] of items.entries()) {
    const title = truncateForRocketChat(oneLine(neutralize(item.label)), FIELD_TITLE_MAX);
    const full = neutralize(item.value).trim() || '—';
    const value = truncateForRocketChat(full, Math.min(FIELD_VALUE_MAX, left - title.length));
    // A value cut to nearly nothing says less than the "more fields" note would.
    if (!value || (value !== full && value.length < SHORT_FIELD)) return { fields: out, omitted: items.length - index };
    out.push({ title, value, ...(value.length <= SHORT_FIELD && !value.includes('\n') ? { short: true } : {}) });
    left -= title.length + value.length;
  }
  return { fields: out, omitted: 0 };
}

/**
 * The attachment body: text, sections (bold headings), the commands to complete and type (template
 * buttons: an action would send them half-written) and the footer in italics.
 */
function bodyText(reply: Reply, prefix: string): string {
  const parts = [reply.text ?? ''];
  for (const section of reply.sections ?? []) {
    const heading = section.heading ? oneLine(neutralize(section.heading)) : '';
    const lines = section.lines.map(neutralize).join('\n').split('\n').filter(nonEmpty);
    parts.push([heading ? `*${heading}*` : '', ...lines].filter(nonEmpty).join('\n'));
  }
  const templates = (reply.buttons ?? []).filter((b) => b.needs).map((b) => `${oneLine(neutralize(b.label))}: \`${commandText(buttonTemplate(b), prefix)}\` (fill in ${oneLine(neutralize(b.needs!))})`);
  parts.push(templates.join('\n'));
  const footer = neutralize(reply.footer ?? '').split('\n').filter(nonEmpty).map((line) => `_${line.trim()}_`);
  parts.push(footer.join('\n'));
  return parts.map((part) => neutralize(part).trim()).filter(nonEmpty).join('\n\n');
}

/** The characters a message counts against the server's limit: msg and every attachment text. */
export function messageLength(message: RocketChatMessage): number {
  let total = message.msg.length;
  for (const a of message.attachments) {
    total += (a.title ?? '').length + (a.text ?? '').length;
    for (const f of a.fields ?? []) total += f.title.length + f.value.length;
    for (const b of a.actions ?? []) total += b.text.length + b.msg.length;
  }
  return total;
}

/**
 * A Reply as a Rocket.Chat message within `maxLength` (see messageLength). The title and pings
 * take up to a quarter, whole buttons up to a quarter of the rest; fields and text share what is
 * left, and whatever does not fit ends in "… more".
 */
export function renderMessage(reply: Reply, options: RocketChatRenderOptions = {}): RocketChatMessage {
  const max = Math.max(0, Math.floor(options.maxLength ?? DEFAULT_MAX_MESSAGE_LENGTH));
  const msgMax = Math.floor(max / 4);
  const cc = mentionLine(options.mentions ?? [], Math.floor(msgMax / 2));
  const title = titleText(reply, msgMax - (cc ? cc.length + 1 : 0));
  const msg = [title, cc].filter(nonEmpty).join('\n');
  let left = max - msg.length;
  const buttons = actions(reply.buttons ?? [], options.prefix ?? '!', Math.floor(left / 4));
  left -= buttons.reduce((sum, b) => sum + b.text.length + b.msg.length, 0);
  const body = bodyText(reply, options.prefix ?? '!');
  const shown = fields(reply.fields ?? [], body ? Math.floor(left / 2) : left);
  left -= shown.fields.reduce((sum, f) => sum + f.title.length + f.value.length, 0);
  // The note about omitted fields is kept whole; the body gives way to it.
  const note = shown.omitted > 0 && left >= 64 ? `… ${shown.omitted} more fields not shown` : '';
  const text = [truncateForRocketChat(body, note ? left - note.length - 2 : left), note].filter(nonEmpty).join('\n\n');
  const attachment: RocketChatAttachment = {
    color: TONE_COLOR[reply.tone],
    ...(text ? { text } : {}),
    ...(shown.fields.length > 0 ? { fields: shown.fields } : {}),
    ...(buttons.length > 0 ? { actions: buttons } : {}),
  };
  return { msg, attachments: text || shown.fields.length > 0 || buttons.length > 0 ? [attachment] : [] };
}
