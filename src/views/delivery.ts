/**
 * Replies as delivery sends them: several notifications for one channel coalesced into one
 * message, and "cc @handle" lines for the people a notification mentions.
 */
import { buttonTemplate, type Reply, type ReplyButton, type Tone } from './reply.js';

const TONES: readonly Tone[] = ['success', 'info', 'warning', 'error'];
/** Worst first: a coalesced message takes the tone of its most urgent part. */
const URGENCY: Record<Tone, number> = { error: 3, warning: 2, info: 1, success: 0 };
const TONE_MARKS: Record<Tone, string> = { success: '✓', info: 'ℹ', warning: '⚠', error: '✗' };
/** Platforms cap buttons per message (Slack: 25 per actions block); a digest needs few. */
const MAX_COALESCED_BUTTONS = 10;

const isString = (value: unknown): value is string => typeof value === 'string';

/** Absent, or passing `check` (deskops never stores null for an optional part). */
function optional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

function arrayOf(check: (item: Record<string, unknown>) => boolean): (value: unknown) => boolean {
  return (value) => Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null && check(item as Record<string, unknown>));
}

const isField = arrayOf((f) => isString(f.label) && isString(f.value));
const isSection = arrayOf((s) => optional(s.heading, isString) && Array.isArray(s.lines) && s.lines.every(isString));
const isButton = arrayOf((b) => isString(b.label) && isString(b.command) && optional(b.style, (style) => style === 'primary' || style === 'danger') && optional(b.needs, isString));
const isNumberOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));
const isSeries = arrayOf(
  (s) =>
    isString(s.label) &&
    isString(s.color) &&
    Array.isArray(s.values) &&
    s.values.every(isNumberOrNull) &&
    optional(s.type, (t) => t === 'bar' || t === 'line') &&
    optional(s.axis, (a) => a === 'left' || a === 'right'),
);
/** A chart: every part a renderer reads, with its type; file names without folders. */
function isChart(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    isString(c.title) &&
    isString(c.alt) &&
    isString(c.filename) &&
    /^[\w.-]{1,80}\.png$/.test(c.filename) &&
    (c.kind === 'bar' || c.kind === 'line') &&
    Array.isArray(c.labels) &&
    c.labels.every(isString) &&
    isSeries(c.series) &&
    optional(c.stacked, (v) => typeof v === 'boolean') &&
    optional(c.horizontal, (v) => typeof v === 'boolean') &&
    optional(c.leftLabel, isString) &&
    optional(c.rightLabel, isString)
  );
}

/**
 * True for a stored payload that has the shape of a Reply (the outbox keeps JSON), every optional
 * part included: the renderers can then rely on the types, and anything else is refused as not a
 * Reply instead of failing half-way through rendering.
 */
export function isReply(value: unknown): value is Reply {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    isString(candidate.title) &&
    TONES.includes(candidate.tone as Tone) &&
    (candidate.visibility === 'channel' || candidate.visibility === 'ephemeral') &&
    (candidate.audience === 'staff' || candidate.audience === 'requester') &&
    optional(candidate.text, isString) &&
    optional(candidate.footer, isString) &&
    optional(candidate.ticketId, (id) => typeof id === 'number') &&
    optional(candidate.fields, isField) &&
    optional(candidate.sections, isSection) &&
    optional(candidate.buttons, isButton) &&
    optional(candidate.chart, isChart)
  );
}

/** The reply with a last line "cc @alice @bob", or unchanged when nobody is mentioned. */
export function withCc(reply: Reply, handles: readonly string[]): Reply {
  const unique = [...new Set(handles)];
  if (unique.length === 0) return reply;
  return { ...reply, sections: [...(reply.sections ?? []), { lines: [`cc ${unique.join(' ')}`] }] };
}

/** The body of a reply (everything but its title) as lines of inline markup. */
export function replyBodyLines(reply: Reply): string[] {
  const lines: string[] = [];
  if (reply.text) lines.push(...reply.text.split(/\r?\n/));
  for (const field of reply.fields ?? []) lines.push(`${field.label}: ${field.value.replace(/\r?\n/g, ' · ')}`);
  for (const section of reply.sections ?? []) {
    if (section.heading) {
      lines.push(`*${section.heading}*`);
      lines.push(...section.lines.map((line) => `  ${line}`));
    } else lines.push(...section.lines);
  }
  for (const button of reply.buttons ?? []) lines.push(`→ ${button.label}: \`${buttonTemplate(button)}\`${button.needs ? ` (fill in ${button.needs})` : ''}`);
  if (reply.footer) lines.push(...reply.footer.split(/\r?\n/).map((line) => `_${line}_`));
  return lines.filter((line) => line.trim() !== '');
}

/** "⚠ Ticket #42 turns yellow in 30 minutes": a reply's title with its tone's mark. */
export function markedTitle(reply: Reply): string {
  return `${TONE_MARKS[reply.tone]} ${reply.title}`;
}

/**
 * One message for several replies to the same channel: one section per reply, in order, the
 * most urgent tone, their buttons (deduplicated), and the ticket when they share one.
 */
export function coalesceReplies(replies: readonly Reply[]): Reply {
  if (replies.length === 1) return replies[0]!;
  const tone = replies.reduce<Tone>((worst, r) => (URGENCY[r.tone] > URGENCY[worst] ? r.tone : worst), 'success');
  const buttons = new Map<string, ReplyButton>();
  for (const button of replies.flatMap((r) => r.buttons ?? [])) if (!buttons.has(button.command)) buttons.set(button.command, button);
  const ticketIds = new Set(replies.map((r) => r.ticketId));
  const [ticketId] = ticketIds;
  return {
    tone,
    visibility: 'channel',
    // For the requester only when every part is: one staff part makes the whole message staff.
    audience: replies.every((r) => r.audience === 'requester') ? 'requester' : 'staff',
    title: `${replies.length} notifications`,
    sections: replies.map((reply) => ({ heading: markedTitle(reply), lines: replyBodyLines(reply) })),
    ...(buttons.size > 0 ? { buttons: [...buttons.values()].slice(0, MAX_COALESCED_BUTTONS) } : {}),
    ...(ticketIds.size === 1 && ticketId !== undefined ? { ticketId } : {}),
    // One image per message: the first chart (the digest's) travels with the coalesced message.
    ...(replies.find((r) => r.chart) ? { chart: replies.find((r) => r.chart)!.chart! } : {}),
  };
}
