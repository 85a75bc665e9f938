/** How instants, people and ticket numbers look in replies, in the team's time zone. */
import { stripInvisible } from './inert.js';
import { TZDate } from '@date-fns/tz';
import { format, formatDistanceStrict } from 'date-fns';
import { ambiguousOffset } from '../domain/zoned-time.js';

/** " (UTC-04:00)" when the wall time happens twice in the zone (the repeated autumn hour), else "". */
function offsetIfAmbiguous(instant: Date, timeZone: string): string {
  const offset = ambiguousOffset(instant.getTime(), timeZone);
  return offset ? ` (${offset})` : '';
}

/**
 * "Mon 23 Nov 2026 10:50 Europe/Berlin": unambiguous in chat, where people sit in many zones. In
 * the hour a zone repeats when clocks go back, the UTC offset says which of the two is meant:
 * "Sun 1 Nov 2026 01:30 America/New_York (UTC-04:00)".
 */
export function formatInstant(instant: Date, timeZone: string): string {
  return `${format(new TZDate(instant.getTime(), timeZone), 'EEE d MMM yyyy HH:mm')} ${timeZone}${offsetIfAmbiguous(instant, timeZone)}`;
}

/** "Mon 23 Nov 10:50" in `timeZone` (the zone named elsewhere in the reply), with the UTC offset in a repeated hour. */
export function formatShortInstant(instant: Date, timeZone: string): string {
  return `${format(new TZDate(instant.getTime(), timeZone), 'EEE d MMM HH:mm')}${offsetIfAmbiguous(instant, timeZone)}`;
}

/** "3 hours ago" / "in 2 days". */
export function formatRelative(instant: Date, now: Date): string {
  const distance = formatDistanceStrict(instant, now);
  return instant.getTime() <= now.getTime() ? `${distance} ago` : `in ${distance}`;
}

/** "Mon 23 Nov 2026 10:50 UTC (3 hours ago)" */
export function formatWhen(instant: Date, now: Date, timeZone: string): string {
  return `${formatInstant(instant, timeZone)} (${formatRelative(instant, now)})`;
}

/** Single-line text for titles and list rows: control characters and line breaks become spaces; bidi and zero-width characters go. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  return stripInvisible(text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')).replace(/\s+/g, ' ').trim();
}

/** Multi-line text with control, bidi and zero-width characters removed (line breaks and tabs kept). */
export function cleanText(text: string): string {
  // Tabs stay (a pasted log or snippet keeps its shape); stripInvisible would make them spaces.
  return text.split('\t').map(stripInvisible).join('\t').trim();
}
