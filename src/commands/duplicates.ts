/** /duplicates: the groups of near-identical hand-written answers the detector found, and what to do about them. */
import { clusterMembers, clustersByState } from '../app/duplicate-answers.js';
import { dismissCluster, docFromCluster, macroFromCluster } from '../app/duplicate-decisions.js';
import { truncate } from '../domain/text.js';
import { info, success } from '../views/reply.js';
import { wholeNumber, type ArgReader } from './args.js';
import type { CommandRegistry } from './registry.js';

const groupNumber = (args: ArgReader) => wholeNumber('group number', 1, 2 ** 31 - 1)(args.word('the group number'), 'group');

export function registerDuplicateCommands(registry: CommandRegistry): void {
  registry.family({ name: 'duplicates', aliases: ['dup', 'dupes'], summary: 'near-identical answers written by hand on different tickets: a macro or a doc is missing' });

  registry.define({
    path: ['duplicates', 'list'],
    readsOnly: true,
    aliases: ['ls'],
    usage: '/duplicates list',
    summary: 'The groups of duplicate answers waiting for a decision, with their tickets.',
    run(args, ctx) {
      args.end();
      const open = clustersByState(ctx, 'suggested');
      if (open.length === 0) return info('No duplicate answers waiting', { text: 'Three near-identical hand-written answers on three tickets within 30 days make a group.' });
      return info(`${open.length} group${open.length === 1 ? '' : 's'} of duplicate answers`, {
        sections: open.map((c) => {
          const members = clusterMembers(ctx, c.id);
          return { heading: `Group ${c.id}: ${[...new Set(members.map((m) => `#${m.ticketId}`))].join(', ')}`, lines: [`“${truncate((members.at(-1)?.body ?? '').replace(/\s+/g, ' '), 200)}”`] };
        }),
      });
    },
  });

  registry.define({
    path: ['duplicates', 'macro'],
    role: 'lead',
    usage: '/duplicates macro <group> [name]',
    summary: 'Makes a macro from the newest answer of a group (named answer-<group> unless you name it); edit it with /macro edit.',
    examples: ['/duplicates macro 4 sso-cache'],
    run(args, ctx) {
      const id = groupNumber(args);
      const name = args.done ? undefined : args.word('the macro name');
      args.end();
      const macro = macroFromCluster(ctx, id, name);
      return success(`Macro ${macro.name} made from group ${id}`, {
        visibility: 'ephemeral',
        text: `Check its text and add placeholders with /macro edit ${macro.name} <text>; agents send it with /ticket reply <id> macro:${macro.name}.`,
      });
    },
  });

  registry.define({
    path: ['duplicates', 'doc'],
    role: 'lead',
    usage: '/duplicates doc <group>',
    summary: 'A doc is missing: tags the group\'s tickets with process:"Proposed User Doc" for the weekly review.',
    examples: ['/duplicates doc 4'],
    run(args, ctx) {
      const id = groupNumber(args);
      args.end();
      const { tickets } = docFromCluster(ctx, id);
      return success(`Group ${id}: ${tickets.map((t) => `#${t}`).join(', ')} tagged process:"Proposed User Doc"`, { visibility: 'ephemeral', text: '/report tags lists them in the weekly review.' });
    },
  });

  registry.define({
    path: ['duplicates', 'dismiss'],
    aliases: ['not-same'],
    role: 'lead',
    usage: '/duplicates dismiss <group>',
    summary: 'Not the same answer: the group is closed and stays quiet.',
    examples: ['/duplicates dismiss 4'],
    run(args, ctx) {
      const id = groupNumber(args);
      args.end();
      dismissCluster(ctx, id);
      return success(`Group ${id} dismissed; it will not come up again.`, { visibility: 'ephemeral' });
    },
  });
}
