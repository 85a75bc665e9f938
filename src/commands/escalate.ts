/** /escalate and /deescalate: moving tickets along the tier ladder. */
import { UsageError } from '../app/errors.js';
import { ladderPolicy } from '../app/oncall-ladder.js';
import { handleOf } from '../app/people.js';
import { deescalateTicket, escalateTicket } from '../app/escalation.js';
import { splitQuestions } from '../domain/escalation.js';
import { knownIssueLabel } from '../domain/known-issues.js';
import { TIER_ALIASES, TIER_LABELS, TIERS } from '../domain/vocabulary.js';
import { formatRelative } from '../views/format.js';
import { success, warning } from '../views/reply.js';
import { choice, knownIssueOption, urlOption } from './args.js';
import type { CommandRegistry } from './registry.js';

const tier = choice('tier', TIERS, TIER_ALIASES);

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

export function registerEscalationCommands(registry: CommandRegistry): void {
  registry.family({ name: 'escalate', summary: 'move a ticket up a tier with the questions for the next one', aliases: ['esc'] });
  registry.family({ name: 'deescalate', summary: 'move a ticket down a tier', aliases: ['de-escalate'] });

  registry.define({
    path: ['escalate'],
    usage: '/escalate <id> [to:<tier>|to:oncall [major]] [--force] <question 1> | <question 2> ...',
    summary:
      'Moves a ticket up one tier (or to the named one: t1…t5, oncall), clears the assignee and writes the transition comment with an ESCALATED QUESTION header per question. Checks known issues first; --force escalates anyway.',
    examples: ['/escalate 42 Why does SSO loop after the 6.5 update? | Which log shows the token error?', '/escalate 42 to:t3 Crash in the import worker, stack trace attached in the last note', '/escalate 42 to:oncall major Login is down for every workspace'],
    run(args, ctx) {
      const id = args.ticketId();
      const options = args.leadingOptions({ to: tier }, ['force', 'major']);
      // "major" may also be typed as a plain word right after to:oncall.
      const next = args.peek();
      const majorWord = options.to === 'oncall' && next?.kind === 'word' && next.value.toLowerCase() === 'major' ? (args.next(), true) : false;
      const major = majorWord || options.flags.has('major');
      const questions = splitQuestions(args.restText());
      if (questions.length === 0) throw new UsageError('An escalation needs at least one question for the next tier (separate several with |).', '');
      const result = escalateTicket(ctx, id, { ...(options.to ? { to: options.to } : {}), questions, force: options.flags.has('force'), major });
      if (result.kind === 'known-issue-suggested') {
        const [best] = result.matches;
        return warning(`#${id} looks like a known issue: tag it instead of escalating?`, {
          text: 'The handbook says: check the known-issue tracker first. Nothing was changed.',
          sections: [{ heading: 'Matching known issues', lines: result.matches.map((m) => `*${knownIssueLabel(m.id)}* ${m.title} — shares ${m.sharedTags.join(', ')}`) }],
          buttons: [
            { label: `Link to ${knownIssueLabel(best!.id)}`, command: `/known-issue link ${best!.id} ${id}`, style: 'primary' },
            { label: 'Escalate anyway', command: `/${args.source.replace(/^(\S+\s+\S+)/, '$1 --force')}` },
          ],
          ticketId: id,
        });
      }
      const lines = [`${questions.length} escalated question${questions.length === 1 ? '' : 's'} written as an internal note; the ticket is unassigned in the ${TIER_LABELS[result.to]} queue.`];
      const buttons = [];
      if (result.requesterWaitingSince) {
        lines.push(`The requester last heard from us ${formatRelative(result.requesterWaitingSince, ctx.clock.now())}: send a "still looking into it" note.`);
        buttons.push({ label: 'Send "still looking"', command: `/ticket reply ${id} We are still looking into this and will update you as soon as we know more.` });
      }
      if (result.ladder) {
        const oncall = result.ladder.oncall === null ? 'nobody (no rotation: see /oncall check)' : handleOf(ctx, result.ladder.oncall);
        lines.push(
          result.ladder.paged
            ? `Major: ${oncall} is paged now.`
            : `Announced in the helpdesk channel; ${oncall} must acknowledge within ${ladderPolicy(ctx).ackMinutes} minutes (/oncall ack ${id}) or gets paged.`,
        );
      }
      return success(`#${id} escalated from ${TIER_LABELS[result.from]} to ${TIER_LABELS[result.to]}`, { text: lines.join('\n'), buttons, ticketId: id });
    },
  });

  registry.define({
    path: ['deescalate'],
    usage: '/deescalate <id> [to:<tier>] [known:<n>] [missed-doc:<url>] <comment>',
    summary:
      'Moves a ticket down one tier (or to the named one) with an internal note; known: links the known issue that explains it, missed-doc: tags Missed Doc Review with the doc that would have answered it.',
    examples: ['/deescalate 42 known:7 This is the SSO loop; answer with the workaround from the known issue.', '/deescalate 42 missed-doc:https://docs.example.com/sso The setup guide covers this.'],
    run(args, ctx) {
      const id = args.ticketId();
      const options = args.leadingOptions({ to: tier, known: knownIssueOption, 'missed-doc': urlOption });
      const comment = args.restText();
      if (!comment) throw new UsageError('Add a comment for the tier that gets it back.', '');
      const result = deescalateTicket(ctx, id, {
        comment,
        ...(options.to ? { to: options.to } : {}),
        ...(options.known !== undefined ? { knownIssue: options.known } : {}),
        ...(options['missed-doc'] ? { missedDocUrl: options['missed-doc'] } : {}),
      });
      const extras = [];
      if (result.linkedKnownIssue !== null) extras.push(`linked to ${knownIssueLabel(result.linkedKnownIssue)}`);
      if (options['missed-doc']) extras.push('tagged Missed Doc Review');
      return success(`#${id} moved down from ${TIER_LABELS[result.from]} to ${TIER_LABELS[result.to]}`, {
        text: `${extras.length > 0 ? `${capitalize(extras.join(', '))}. ` : ''}The comment is an internal note; the ticket is unassigned in the ${TIER_LABELS[result.to]} queue.`,
        ticketId: id,
      });
    },
  });
}
