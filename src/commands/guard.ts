/** /guard: the on-call / T4 running log for the weekly Changing of the Guard. */
import { UsageError } from '../app/errors.js';
import { closeGuardLoop, logGuardEntry, showGuardWeek, type GuardWeekChoice } from '../app/guard.js';
import { viewerZone } from '../app/people-admin.js';
import { GUARD_KINDS, type GuardKind } from '../domain/vocabulary.js';
import { guardClosedReply, guardLoggedReply, guardWeekReply } from '../views/guard.js';
import { choice, parseNumberRef } from './args.js';
import type { CommandRegistry } from './registry.js';

const KIND_ALIASES: Record<string, GuardKind> = {
  hotfixes: 'hotfix',
  fix: 'hotfix',
  script: 'sql',
  ki: 'known-issue',
  known: 'known-issue',
  'open-loop': 'loop',
  loops: 'loop',
  todo: 'loop',
};

const guardKind = choice('guard log kind', GUARD_KINDS, KIND_ALIASES);

/** Registers the /guard family. */
export function registerGuardCommands(registry: CommandRegistry): void {
  registry.family({ name: 'guard', summary: 'the on-call running log for the weekly Changing of the Guard' });

  registry.define({
    path: ['guard', 'log'],
    aliases: ['add'],
    usage: '/guard log hotfix|sql|known-issue|loop <text>',
    summary: "Add to this week's log: a hotfix, an SQL script run, a known-issue change, or an open loop to close later.",
    examples: ['/guard log hotfix Rolled back push gateway 4.2.1', '/guard log loop Check the nightly export for acme tomorrow'],
    run(args, ctx) {
      const kind = args.choice('the kind (hotfix, sql, known-issue or loop)', guardKind);
      const text = args.restText();
      if (!text) throw new UsageError(`What happened? Add the text after "${kind}".`, '');
      return guardLoggedReply(logGuardEntry(ctx, { kind, text }));
    },
  });

  registry.define({
    path: ['guard', 'show'],
    readsOnly: true,
    usage: '/guard show [last|<YYYY-MM-DD>]',
    summary: 'The log of this week (or last week, or the week holding a date), grouped by kind.',
    examples: ['/guard show', '/guard show last', '/guard show 2026-03-02'],
    run(args, ctx) {
      let pick: GuardWeekChoice = { week: 'current' };
      if (!args.done) {
        const raw = args.word('last or a date (YYYY-MM-DD)');
        const lowered = raw.toLowerCase();
        if (lowered === 'last' || lowered === 'previous') pick = { week: 'last' };
        else if (lowered !== 'this' && lowered !== 'current') pick = { date: raw };
      }
      args.end();
      return guardWeekReply(showGuardWeek(ctx, pick), viewerZone(ctx));
    },
  });

  registry.define({
    path: ['guard', 'done'],
    aliases: ['close'],
    usage: '/guard done <entry number>',
    summary: 'Close an open loop (the number shown beside it in /guard show).',
    examples: ['/guard done 12'],
    run(args, ctx) {
      const id = parseNumberRef(args.word('the entry number'), 'entry number');
      args.end();
      return guardClosedReply(closeGuardLoop(ctx, id));
    },
  });
}
