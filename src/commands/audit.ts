/** /audit: the audit trail for leads: what someone (or everyone) changed since a date. */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { auditSince, personLabel } from '../app/audit-log.js';
import { UsageError } from '../app/errors.js';
import { findMentioned } from '../app/people.js';
import { viewerZone } from '../app/people-admin.js';
import { addCalendarDays, formatDay, parseTypedDate, startOfDay } from '../domain/guard-week.js';
import { auditReply } from '../views/audit.js';
import { wholeNumber } from './args.js';
import type { CommandRegistry } from './registry.js';

const page = wholeNumber('page', 1, 100_000);
/** How far back /audit looks when no since: is given. */
const DEFAULT_DAYS = 7;

export function registerAuditCommands(registry: CommandRegistry): void {
  registry.family({ name: 'audit', summary: 'the audit trail: who changed what, and when (leads)' });

  registry.define({
    path: ['audit'],
    readsOnly: true,
    usage: '/audit [@user|me] [since:<YYYY-MM-DD>] [page:<n>]',
    summary: `What someone (or everyone) changed since a date (team time; the last ${DEFAULT_DAYS} days by default), newest first, one line per change with what changed. A ticket's own story: /ticket history <id>.`,
    role: 'lead',
    examples: ['/audit @alice since:2026-11-23', '/audit since:2026-11-01 page:2', '/audit me'],
    run(args, ctx) {
      const mention = args.optionalMention() ?? (args.peek()?.kind === 'word' && args.peek()!.value.toLowerCase() === 'me' ? (args.next(), 'me') : undefined);
      const { options, extra } = args.options({ since: (value) => value, page });
      if (extra[0]) throw new UsageError(`Unexpected "${extra[0].value}": name a person as @user, the start as since:2026-11-23 and the page as page:2.`, '');
      const zone = ctx.settings.timeZone;
      const today = format(new TZDate(ctx.clock.now().getTime(), zone), 'yyyy-MM-dd');
      let day = addCalendarDays(today, -DEFAULT_DAYS);
      if (options.since !== undefined) {
        const typed = parseTypedDate(options.since);
        if (!typed.ok) throw new UsageError(typed.reason, '');
        day = typed.day;
      }
      const who = mention === undefined ? undefined : findMentioned(ctx, mention);
      const result = auditSince(ctx, { ...(who ? { who } : {}), since: startOfDay(day, zone) }, options.page ?? 1);
      const title = `${who ? `What @${who.handle} did` : 'Everything'} since ${formatDay(day)}`;
      const command = `/audit${who ? ` @${who.handle}` : ''} since:${day}`;
      return auditReply(title, command, result, (id) => personLabel(ctx, id), viewerZone(ctx));
    },
  });
}
