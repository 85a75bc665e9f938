/** /people (alias /agents) and /whoami: who deskops knows, their roles and tiers. */
import type { RequestContext } from '../app/context.js';
import { UsageError } from '../app/errors.js';
import { addStaff, removeStaff, setPersonRole, setPersonTier, setPersonZone, whoAmI } from '../app/people-admin.js';
import { listPeople } from '../app/people.js';
import { closestMatches } from '../domain/text.js';
import { ROLES, TIERS, TIER_ALIASES, type Tier } from '../domain/vocabulary.js';
import { peopleListReply, roleChangedReply, staffChangedReply, tierChangedReply, whoAmIReply, zoneChangedReply } from '../views/people.js';
import { choice, type ArgReader } from './args.js';
import type { CommandRegistry } from './registry.js';

const role = choice('role', ROLES, { agents: 'agent', leads: 'lead', admins: 'admin' });
const tierOrNone = choice('tier', [...TIERS, 'none'] as const, { ...TIER_ALIASES, clear: 'none', '-': 'none' });

/** The person a command is about: "@alice", "alice" or "me". */
function person(args: ArgReader): string {
  return args.optionalMention() ?? args.word('the person (@user or me)');
}

/** Registers the /people and /whoami families. */
export function registerPeopleCommands(registry: CommandRegistry): void {
  registry.family({ name: 'people', aliases: ['agents'], summary: 'the support team: who is staff, roles, tiers and time zones' });
  registry.family({ name: 'whoami', summary: 'your handle, role, tier and platform' });

  const list = (args: ArgReader, ctx: RequestContext) => {
    args.end();
    const everyone = listPeople(ctx);
    return peopleListReply(
      everyone.filter((p) => p.isStaff),
      everyone.filter((p) => !p.isStaff).length,
    );
  };

  registry.define({
    path: ['people'],
    readsOnly: true,
    usage: '/people',
    summary: 'The support team, with role and tier (same as /people list).',
    run(args, ctx) {
      const next = args.peek();
      if (next?.kind === 'word') {
        const near = closestMatches(next.value, ['list', 'add', 'remove', 'role', 'tier', 'zone'], 1);
        throw new UsageError(`/people has no "${next.value}" command.${near.length > 0 ? ` Did you mean /people ${near[0]}?` : ''}`, '');
      }
      return list(args, ctx);
    },
  });

  registry.define({
    path: ['people', 'list'],
    readsOnly: true,
    aliases: ['ls'],
    usage: '/people list',
    summary: 'The support team: handle, name, role and tier; and how many requesters deskops knows.',
    run: list,
  });

  registry.define({
    path: ['people', 'add'],
    usage: '/people add @user agent|lead|admin',
    summary: 'Makes someone staff by hand, whatever the DESKOPS_STAFF rules say (only admins make admins).',
    role: 'lead',
    examples: ['/people add @dana agent', '/people add @erin lead'],
    run(args, ctx) {
      const who = person(args);
      const next = args.choice('the role (agent, lead or admin)', role);
      args.end();
      return staffChangedReply(addStaff(ctx, who, next));
    },
  });

  registry.define({
    path: ['people', 'remove'],
    aliases: ['rm'],
    usage: '/people remove @user',
    summary: 'Takes someone off the support team at once, even if a DESKOPS_STAFF rule covers them; /people add brings them back.',
    role: 'lead',
    examples: ['/people remove @dana'],
    run(args, ctx) {
      const who = person(args);
      args.end();
      return staffChangedReply(removeStaff(ctx, who));
    },
  });

  registry.define({
    path: ['people', 'role'],
    usage: '/people role @user agent|lead|admin',
    summary: "Change someone's role. Deskops always keeps at least one admin.",
    role: 'admin',
    examples: ['/people role @alice lead'],
    run(args, ctx) {
      const who = person(args);
      const next = args.choice('the role (agent, lead or admin)', role);
      args.end();
      return roleChangedReply(setPersonRole(ctx, who, next));
    },
  });

  registry.define({
    path: ['people', 'tier'],
    usage: '/people tier @user triage|t1|t2|t3|t4|t5|oncall|none',
    summary: 'Set the tier someone works in (none clears it).',
    role: 'lead',
    examples: ['/people tier @bob t2', '/people tier @bob none'],
    run(args, ctx) {
      const who = person(args);
      const picked = args.choice('the tier', tierOrNone);
      args.end();
      return tierChangedReply(setPersonTier(ctx, who, picked === 'none' ? null : (picked satisfies Tier)));
    },
  });

  registry.define({
    path: ['people', 'zone'],
    aliases: ['tz', 'timezone'],
    usage: '/people zone @user|me <IANA zone>|none',
    summary: "Sets the time zone someone's replies show instants in (/sla, /oncall, ticket cards, history); none goes back to team time. Your own, or as a lead anyone's. Times you type stay in team time.",
    examples: ['/people zone me America/New_York', '/people zone @bob Asia/Kolkata', '/people zone me none'],
    run(args, ctx) {
      const who = person(args);
      const zone = args.word('the time zone (an IANA name like Europe/Berlin, or none)');
      args.end();
      const cleared = ['none', 'team', 'default', '-'].includes(zone.toLowerCase());
      return zoneChangedReply(setPersonZone(ctx, who, cleared ? null : zone), ctx.settings.timeZone);
    },
  });

  registry.define({
    path: ['whoami'],
    readsOnly: true,
    usage: '/whoami',
    summary: 'Your handle, role, tier and platform.',
    run(args, ctx) {
      args.end();
      return whoAmIReply(whoAmI(ctx));
    },
  });
}
