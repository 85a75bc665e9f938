/** /guard digest: the weekly Changing of the Guard on demand (preview to you, or posted to the leads once a week). */
import { postWeeklyDigest, resolveDigestWeek, weeklyDigest } from '../app/digest.js';
import { UsageError } from '../app/errors.js';
import { viewerZone } from '../app/people-admin.js';
import { digestReply } from '../views/digest.js';
import { formatInstant } from '../views/format.js';
import { info, success } from '../views/reply.js';
import type { CommandRegistry } from './registry.js';

/** "@lead", or "the scheduled job" for the digest job. */
function poster(label: string): string {
  return label.startsWith('system:') ? 'the scheduled job' : label;
}

export function registerDigestCommands(registry: CommandRegistry): void {
  registry.define({
    path: ['guard', 'digest'],
    usage: '/guard digest [preview] [week:last|<YYYY-MM-DD>]',
    summary:
      "The weekly Changing of the Guard for last week (or the week holding week:; a week that has not ended is refused), its figures as the week ended. preview shows it to you only; without it, a lead posts it to the leads' channel, once a week whoever asks (the scheduled run included).",
    examples: ['/guard digest preview', '/guard digest week:last', '/guard digest preview week:2026-11-09'],
    run(args, ctx) {
      const { options, extra } = args.options({ week: (value) => value });
      const preview = extra.some((t) => t.kind === 'word' && t.value.toLowerCase() === 'preview');
      const unknown = extra.find((t) => !(t.kind === 'word' && t.value.toLowerCase() === 'preview'));
      if (unknown) throw new UsageError(`"${unknown.value}" is not a digest option: use preview or week:last or week:<YYYY-MM-DD>.`, '');
      const now = ctx.clock.now();
      const week = resolveDigestWeek(ctx, options.week, now);
      if (preview) return digestReply(weeklyDigest(ctx, week, now), 'ephemeral');
      const posted = postWeeklyDigest(ctx, week, now);
      if (posted.kind === 'already') {
        return info(`The digest for the week of ${week} was already posted to the leads' channel on ${formatInstant(posted.postedAt, viewerZone(ctx))} by ${poster(posted.by)}.`, {
          text: 'One digest a week reaches the leads. To read it again: /guard digest preview' + (options.week ? ` week:${week}` : '') + '.',
        });
      }
      return success(`Digest for the week of ${week} queued for the leads' channel.`, { text: posted.digest.summary });
    },
  });
}
