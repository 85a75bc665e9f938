/** /guard digest: the weekly Changing of the Guard on demand (preview to you, or posted to the leads). */
import { digestWeek, weeklyDigest } from '../app/digest.js';
import { enqueue } from '../app/outbox.js';
import { parseTypedDate, weekContaining } from '../domain/guard-week.js';
import { UsageError } from '../app/errors.js';
import { digestReply } from '../views/digest.js';
import { success } from '../views/reply.js';
import type { CommandRegistry } from './registry.js';

export function registerDigestCommands(registry: CommandRegistry): void {
  registry.define({
    path: ['guard', 'digest'],
    usage: '/guard digest [preview] [week:<YYYY-MM-DD>]',
    summary:
      "The weekly Changing of the Guard for last week (or the week holding week:): preview shows it to you only; without it, it is posted to the leads' channel.",
    examples: ['/guard digest preview', '/guard digest week:2026-11-09'],
    run(args, ctx) {
      const { options, extra } = args.options({ week: (value) => value });
      const preview = extra.some((t) => t.kind === 'word' && t.value.toLowerCase() === 'preview');
      const unknown = extra.find((t) => !(t.kind === 'word' && t.value.toLowerCase() === 'preview'));
      if (unknown) throw new UsageError(`"${unknown.value}" is not a digest option: use preview or week:<YYYY-MM-DD>.`, '');
      const now = ctx.clock.now();
      let week = digestWeek(now, ctx.settings.timeZone);
      if (options.week) {
        const typed = parseTypedDate(options.week);
        if (!typed.ok) throw new UsageError(typed.reason, '');
        week = weekContaining(typed.day);
      }
      const digest = weeklyDigest(ctx, week, now);
      if (preview) return digestReply(digest, 'ephemeral');
      enqueue(ctx, { dedupeKey: `digest:${week}:on-demand:${now.getTime()}`, channel: 'role:leads', audience: 'staff', reply: digestReply(digest, 'channel') });
      return success(`Digest for the week of ${week} queued for the leads' channel.`, { text: digest.summary });
    },
  });
}
