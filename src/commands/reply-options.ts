/** The options a reply can carry (status:, hold:), shared by /ticket reply and /macro. */
import { UsageError } from '../app/errors.js';
import { REPLY_STATUSES } from '../app/macros.js';
import { MAX_HOLD_DAYS } from '../app/ticket-update.js';
import { STATUS_ALIASES, type Status } from '../domain/vocabulary.js';
import { choice, wholeNumber } from './args.js';

type ReplyStatus = (typeof REPLY_STATUSES)[number];
// Aliases that name other statuses (closed) fail the choice's own check, so the cast is safe.
const aliases = STATUS_ALIASES as Record<string, ReplyStatus>;
const replyStatus = choice('status a reply can set', REPLY_STATUSES, aliases);
const replyStatusOrNone = choice('status a reply can set', [...REPLY_STATUSES, 'none'] as const, aliases);

/** status:pending|resolved|waiting|review|open (hold takes hold:<N>d). */
export function replyStatusOption(value: string, key: string, allowNone: true): Exclude<Status, 'closed'> | 'none';
export function replyStatusOption(value: string, key: string, allowNone?: false): Exclude<Status, 'closed'>;
export function replyStatusOption(value: string, key: string, allowNone = false): Exclude<Status, 'closed'> | 'none' {
  const parsed = allowNone ? replyStatusOrNone(value, key) : replyStatus(value, key);
  if (parsed === 'hold') throw new UsageError('Hold needs its days: write hold:3d instead of status:hold.', '');
  return parsed;
}

/** "3d", "3" -> 3, within 1…MAX_HOLD_DAYS. */
export function holdDaysOption(value: string, key: string): number {
  const match = /^(\d{1,4})\s*(d|day|days)?$/i.exec(value.trim());
  if (!match) throw new UsageError(`${key}:${value} is not a number of days: write it like hold:3d.`, '');
  return wholeNumber('number of days', 1, MAX_HOLD_DAYS)(match[1]!, key);
}
