/** /oncall: who is on call, the schedule, rotations, overrides, contacts, acknowledging, and a setup check. */
import type { RequestContext } from '../app/context.js';
import { AppError, UsageError } from '../app/errors.js';
import { checkOncall } from '../app/oncall-check.js';
import { CONTACT_KINDS, contactsOf, removeContact, setContact } from '../app/oncall-contacts.js';
import { acknowledge, ladderPolicy, setLadderPolicy } from '../app/oncall-ladder.js';
import { addOverride, currentOnCall, removeOverride, rotationSchedule, setRotation } from '../app/oncall.js';
import { findMentioned, handleOf } from '../app/people.js';
import { viewerZone } from '../app/people-admin.js';
import { parseWeekday } from '../domain/oncall.js';
import { ackReply, contactsReply, onCallNowReply, overrideRemovedReply, overrideReply, rotationSetReply, scheduleReply, type NameOf, type Zones } from '../views/oncall.js';
import { oneLine } from '../views/format.js';
import { info, success, warning } from '../views/reply.js';
import { choice, wholeNumber, type ArgReader, type OptionParser } from './args.js';
import type { CommandRegistry } from './registry.js';

/** A value the use case refused as malformed is a typing mistake: the reply adds the usage line. */
function asUsage<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof AppError && error.code === 'INVALID' && !error.hint) throw new UsageError(error.message, '');
    throw error;
  }
}

const weeks = wholeNumber('number of weeks', 1, 26);
const minutes = wholeNumber('number of minutes', 1, 24 * 60);
const contactKind = choice('contact kind', CONTACT_KINDS, { mobile: 'phone', cell: 'phone', mail: 'email', text: 'sms' });
const text: OptionParser<string> = (value) => value;

const weekday: OptionParser<number> = (value) => {
  const parsed = parseWeekday(value);
  if (parsed === null) throw new UsageError(`"${value}" is not a weekday: use mon, tue, wed, thu, fri, sat or sun.`, '');
  return parsed;
};

const clockTime: OptionParser<string> = (value) => {
  if (!/^\d{1,2}:\d{2}$/.test(value)) throw new UsageError(`"${value}" is not a time of day: use HH:mm, like at:10:00.`, '');
  return value;
};

/** The zone instants are shown in to this reader (their own, or team time) and the team's, which hand-off times are set in. */
function zones(ctx: RequestContext): Zones {
  return { shown: viewerZone(ctx), team: ctx.settings.timeZone };
}

function namer(ctx: RequestContext): NameOf {
  return (id) => (id === null ? 'nobody' : (handleOf(ctx, id) ?? 'nobody'));
}

/** A mention or the word "me". */
function person(args: ArgReader, what: string): string {
  return args.optionalMention() ?? args.word(what);
}

/** Registers the /oncall family (alias /on-call). */
export function registerOncallCommands(registry: CommandRegistry): void {
  registry.family({ name: 'oncall', summary: 'who is on call, rotations, overrides, contacts and the acknowledgement ladder', aliases: ['on-call'] });

  registry.define({
    path: ['oncall'],
    readsOnly: true,
    usage: '/oncall [rotation:<name>]',
    summary: 'Who is on call now, the backup, until when, and who is next (team time).',
    run(args, ctx) {
      const { options, extra } = args.options({ rotation: text });
      const [stray] = extra;
      if (stray) throw new UsageError(`/oncall has no "${stray.value}" command: try /oncall help.`, '');
      const now = ctx.clock.now();
      return onCallNowReply(currentOnCall(ctx, now, options.rotation), now, zones(ctx), namer(ctx));
    },
  });

  registry.define({
    path: ['oncall', 'schedule'],
    readsOnly: true,
    usage: '/oncall schedule [weeks:4] [rotation:<name>]',
    summary: 'The coming shifts with who is on call and the backup; overrides show as their own lines.',
    examples: ['/oncall schedule', '/oncall schedule weeks:8'],
    run(args, ctx) {
      const { options, extra } = args.options({ weeks, rotation: text });
      if (extra[0]) throw new UsageError(`Unexpected "${extra[0].value}": the number of weeks goes as weeks:8.`, '');
      const { rotation, segments } = rotationSchedule(ctx, options.weeks ?? 4, options.rotation);
      return scheduleReply(rotation, segments, zones(ctx), namer(ctx));
    },
  });

  registry.define({
    path: ['oncall', 'rotation', 'set'],
    usage: '/oncall rotation set @user @user ... [handoff:mon] [at:10:00] [name:primary]',
    summary: 'Sets who takes the on-call week, in order, and when it hands off (team time). The first person is on call from now.',
    examples: ['/oncall rotation set @alice @bob @carol', '/oncall rotation set @alice @bob handoff:tue at:09:30'],
    role: 'lead',
    run(args, ctx) {
      const { options, extra } = args.options({ handoff: weekday, at: clockTime, name: text });
      const members = extra.map((token) => {
        if (token.kind === 'mention' || (token.kind === 'word' && token.value.toLowerCase() === 'me')) return token.value;
        throw new UsageError(`"${token.value}" is not a person: list people as @mentions.`, '');
      });
      if (members.length === 0) throw new UsageError('List the people in the rotation, in order, as @mentions.', '');
      const result = setRotation(ctx, {
        members,
        ...(options.name ? { name: options.name } : {}),
        ...(options.handoff !== undefined ? { handoffWeekday: options.handoff } : {}),
        ...(options.at ? { handoffTime: options.at } : {}),
      });
      return rotationSetReply(result, zones(ctx), namer(ctx));
    },
  });

  registry.define({
    path: ['oncall', 'override'],
    aliases: ['cover'],
    usage: '/oncall override @user|me <from> <to> [rotation:<name>]',
    summary:
      'Puts someone on call for a period: leads for anyone; anyone else only hands over their own shift (or part of it). Dates are YYYY-MM-DD (a whole day; the end date is included) or YYYY-MM-DDTHH:mm in team time, or ISO instants; from can be now. At most 90 days.',
    examples: ['/oncall override @bob 2026-03-09 2026-03-13', '/oncall override me now 2026-03-03T08:00'],
    run(args, ctx) {
      const mention = person(args, '@user or me');
      const { options, extra } = args.options({ rotation: text });
      const words = extra.map((t) => t.value);
      if (words.length !== 2) throw new UsageError('Give the start and the end of the override, like 2026-03-09 2026-03-13.', '');
      const result = addOverride(ctx, { mention, from: words[0]!, to: words[1]!, ...(options.rotation ? { rotation: options.rotation } : {}) });
      const { override } = result;
      return overrideReply(override.id, override.personId, override.startsAt, override.endsAt, zones(ctx).shown, namer(ctx));
    },
  });

  registry.define({
    path: ['oncall', 'override', 'remove'],
    aliases: ['rm', 'delete'],
    usage: '/oncall override remove <override number>',
    summary: "Takes an override back (your own, one you created, or as a lead anyone's); the rotation covers the period again. The numbers are in /oncall schedule.",
    examples: ['/oncall override remove 3'],
    run(args, ctx) {
      const id = wholeNumber('override number', 1, 1_000_000_000)(args.word('the override number (see /oncall schedule)').replace(/^#/, ''), 'override');
      args.end();
      return overrideRemovedReply(removeOverride(ctx, id), zones(ctx).shown, namer(ctx));
    },
  });

  registry.define({
    path: ['oncall', 'contacts'],
    readsOnly: true,
    aliases: ['contact'],
    usage: '/oncall contacts [@user]',
    summary: "Someone's emergency contacts (yours by default): what the call step shows.",
    run(args, ctx) {
      const mention = args.optionalMention() ?? (args.done ? 'me' : args.word('@user'));
      args.end();
      const who = findMentioned(ctx, mention);
      const self = ctx.actor.kind === 'person' && ctx.actor.personId === who.id;
      return contactsReply(`@${who.handle}`, contactsOf(ctx, who.id), self);
    },
  });

  registry.define({
    path: ['oncall', 'contacts', 'set'],
    aliases: ['add'],
    usage: '/oncall contacts set phone|email|sms|pager|other <value>',
    summary: 'Sets one of your emergency contacts (one per kind; setting it again replaces it).',
    examples: ['/oncall contacts set phone +49 30 1234567', '/oncall contacts set email alice@example.com'],
    run(args, ctx) {
      const kind = args.choice('contact kind (phone, email, sms, pager or other)', contactKind);
      // One line of text: a contact is shown in pages and call steps, where controls have no business.
      const value = oneLine(args.restText());
      if (!value) throw new UsageError(`Add the ${kind} after "${kind}".`, '');
      const { contact, changed } = asUsage(() => setContact(ctx, kind, value));
      return changed ? success(`Your ${contact.kind} is now ${contact.value}`, { visibility: 'ephemeral' }) : info(`Your ${contact.kind} is already ${contact.value}.`);
    },
  });

  registry.define({
    path: ['oncall', 'contacts', 'remove'],
    aliases: ['delete'],
    usage: '/oncall contacts remove phone|email|sms|pager|other',
    summary: 'Removes one of your emergency contacts.',
    run(args, ctx) {
      const kind = args.choice('contact kind', contactKind);
      args.end();
      return removeContact(ctx, kind) ? success(`Your ${kind} contact is removed.`, { visibility: 'ephemeral' }) : info(`You have no ${kind} contact.`);
    },
  });

  registry.define({
    path: ['oncall', 'ack'],
    aliases: ['acknowledge'],
    usage: '/oncall ack <id>',
    summary:
      '"Seen it, handling it": acknowledges the on-call escalation of a ticket and stops the ladder (page, call); for the person on call, the backup or a lead. It notes who and when on the ticket and assigns it to you if nobody has it.',
    examples: ['/oncall ack 42'],
    run(args, ctx) {
      const id = args.ticketId();
      args.end();
      return ackReply(acknowledge(ctx, id), ctx.clock.now());
    },
  });

  registry.define({
    path: ['oncall', 'ladder'],
    usage: '/oncall ladder [ack:<minutes>] [call:<minutes>]',
    summary: 'Shows or changes (leads) the ladder timing: minutes to acknowledge before the page, and from the page to the call step.',
    examples: ['/oncall ladder', '/oncall ladder ack:30 call:15'],
    run(args, ctx) {
      const { options, extra } = args.options({ ack: minutes, call: minutes });
      if (extra[0]) throw new UsageError(`Unexpected "${extra[0].value}": use ack:<minutes> and call:<minutes>.`, '');
      const changing = options.ack !== undefined || options.call !== undefined;
      const policy = changing
        ? setLadderPolicy(ctx, { ...(options.ack !== undefined ? { ackMinutes: options.ack } : {}), ...(options.call !== undefined ? { callAfterPageMinutes: options.call } : {}) })
        : ladderPolicy(ctx);
      const line = `Page after ${policy.ackMinutes} min without an acknowledgement (major outages at once); call ${policy.callAfterPageMinutes} min after the page.`;
      return changing ? success('On-call ladder updated', { text: line }) : info('On-call ladder', { text: line });
    },
  });

  registry.define({
    path: ['oncall', 'check'],
    readsOnly: true,
    aliases: ['doctor'],
    usage: '/oncall check',
    summary: 'Checks the on-call setup: rotation gaps, missing backup or contacts, unmapped channels, stuck ladders.',
    run(args, ctx) {
      args.end();
      const { warnings, checked } = checkOncall(ctx, ctx.clock.now());
      const sections = [];
      if (warnings.length > 0) sections.push({ heading: 'Fix these', lines: warnings.map((w) => (w.hint ? `${w.text}\n    ${w.hint}` : w.text)) });
      if (checked.length > 0) sections.push({ heading: 'Fine', lines: checked });
      return warnings.length > 0
        ? warning(`On-call check: ${warnings.length} problem${warnings.length === 1 ? '' : 's'}`, { sections })
        : success('On-call check: all good', { visibility: 'ephemeral', sections });
    },
  });
}
