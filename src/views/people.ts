/** Replies about people: the agent list, role and tier changes, and /whoami. */
import type { PersonChange, StaffChange, WhoAmI } from '../app/people-admin.js';
import type { PersonRow } from '../app/people.js';
import { TIER_LABELS, type Role, type Tier } from '../domain/vocabulary.js';
import { info, success, type Reply } from './reply.js';

const ROLE_LABELS: Record<Role, string> = { agent: 'agent', lead: 'lead', admin: 'admin' };

/** "T3 (Eng1)", or "no tier". */
export function tierLabel(tier: Tier | null): string {
  return tier ? TIER_LABELS[tier] : 'no tier';
}

/** The reply to `/people`: handle, name, role and tier of the support team, admins and leads first. */
export function peopleListReply(rows: readonly PersonRow[], requesters = 0): Reply {
  const others = requesters > 0 ? `deskops also knows ${requesters} ${requesters === 1 ? 'requester' : 'requesters'} (not staff).` : undefined;
  if (rows.length === 0) return info('Nobody is on the support team yet.', { text: ['Add people with /people add @user agent, or set DESKOPS_STAFF.', others].filter(Boolean).join(' ') });
  const rank: Record<Role, number> = { admin: 0, lead: 1, agent: 2 };
  const sorted = [...rows].sort((a, b) => rank[a.role] - rank[b.role] || a.handle.localeCompare(b.handle));
  const lines = sorted.map(
    (p) => `@${p.handle}${p.displayName !== p.handle ? ` (${p.displayName})` : ''} — ${ROLE_LABELS[p.role]}, ${tierLabel(p.tier)}`,
  );
  return info(`${rows.length} ${rows.length === 1 ? 'person' : 'people'} on the support team`, {
    sections: [{ lines }],
    ...(others ? { text: others } : {}),
    footer: 'Leads add people with /people add @user <role> and set tiers with /people tier @user <tier>; admins set roles with /people role @user <role>.',
  });
}

/** The reply to `/people add` and `/people remove`. */
export function staffChangedReply(change: StaffChange): Reply {
  const { person } = change;
  if (change.pinnedByEnvironment) {
    return info(`@${person.handle} is an admin through DESKOPS_ADMINS; the environment decides.`, { text: 'Remove them from DESKOPS_ADMINS and restart deskops first.' });
  }
  if (!change.changed) return info(change.staff ? `@${person.handle} is already on the support team as ${article(change.role)} ${change.role}.` : `@${person.handle} is already off the support team.`);
  if (change.staff) return success(`@${person.handle} is on the support team as ${article(change.role)} ${change.role}`, { text: 'Added by hand: no DESKOPS_STAFF rule is needed for them.' });
  return success(`@${person.handle} is off the support team`, { text: 'From their next message on they are a requester, even where a DESKOPS_STAFF rule would cover them. /people add brings them back.' });
}

/** The reply to `/people role`. */
export function roleChangedReply(change: PersonChange<Role>): Reply {
  const { person } = change;
  if (!change.changed) return info(`@${person.handle} is already ${article(person.role)} ${person.role}.`);
  return success(`@${person.handle} is now ${article(person.role)} ${person.role}`, { text: `Was ${article(change.before)} ${change.before}.` });
}

/** The reply to `/people tier`. */
export function tierChangedReply(change: PersonChange<Tier | null>): Reply {
  const { person } = change;
  if (!change.changed) return info(person.tier ? `@${person.handle} is already on ${tierLabel(person.tier)}.` : `@${person.handle} has no tier already.`);
  return success(person.tier ? `@${person.handle} is now on ${tierLabel(person.tier)}` : `@${person.handle} no longer has a tier`, {
    text: `Was ${tierLabel(change.before)}.`,
  });
}

/** The reply to `/people zone`. */
export function zoneChangedReply(change: PersonChange<string | null> & { after: string | null }, teamZone: string): Reply {
  const { person } = change;
  const shown = (zone: string | null) => zone ?? `team time (${teamZone})`;
  if (!change.changed) return info(`@${person.handle} already sees ${shown(change.after)}.`);
  return success(`@${person.handle} now sees instants in ${shown(change.after)}`, {
    text: `Was ${shown(change.before)}. Times typed in commands are still read in team time (${teamZone}).`,
  });
}

/** The reply to `/whoami`. */
export function whoAmIReply(me: WhoAmI): Reply {
  return info(`You are @${me.handle}`, {
    fields: [
      { label: 'Name', value: me.displayName },
      { label: 'Role', value: me.role === 'requester' ? 'requester' : ROLE_LABELS[me.role] },
      { label: 'Tier', value: tierLabel(me.tier) },
      { label: 'Platform', value: me.platform },
      { label: 'Time zone', value: me.timeZone ?? 'team time' },
    ],
  });
}

function article(role: Role): string {
  return role === 'agent' || role === 'admin' ? 'an' : 'a';
}
