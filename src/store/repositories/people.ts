/** People and their platform identities. */
import type { Platform, Role, StaffGrant, Tier } from '../../domain/vocabulary.js';
import type { identities } from '../schema.js';

/** One platform identity of a person. */
export type IdentityRow = typeof identities.$inferSelect;

/** A person with one of their identities: who they are on a platform. */
export interface PersonWithIdentity {
  id: number;
  displayName: string;
  role: Role;
  tier: Tier | null;
  handle: string;
  platform: Platform;
  /** Staff when last seen. */
  isStaff: boolean;
}

/** A person as the identity lookup reads them: `isStaff` as stored (0 or 1), and their hand-made grant. */
export interface StoredPerson extends Omit<PersonWithIdentity, 'isStaff'> {
  isStaff: number;
  grant: StaffGrant | null;
}

/** A new person, and the identity they are first seen with. */
export interface NewPerson {
  displayName: string;
  role: Role;
  isStaff: boolean;
  createdAt: Date;
}

export interface NewIdentity {
  platform: Platform;
  externalId: string;
  handle: string;
}

/** What a person's own page shows of them. */
export interface PersonProfile {
  role: Role;
  tier: Tier | null;
  displayName: string;
  timeZone: string | null;
}

export interface PeopleRepository {
  /** The person behind a platform user (with their grant), or undefined when deskops has not seen them. Every command reads it. */
  byIdentity(platform: Platform, externalId: string): StoredPerson | undefined;
  /** Stores a new person with their first identity; returns the person's id. */
  insertWithIdentity(person: NewPerson, identity: NewIdentity): number;
  /** Changes the handle an identity is known by. */
  setHandle(platform: Platform, externalId: string, handle: string): void;
  /** Records whether a person is staff as last seen, and their role. */
  setAccess(personId: number, isStaff: boolean, role: Role): void;
  /** A person's stored role and staff flag, or undefined for an unknown id. */
  roleAndStaff(personId: number): { role: Role; isStaff: boolean } | undefined;
  /** The person on `platform` whose external id is `mention`, or whose handle is it (any case). */
  findOnPlatform(platform: Platform, mention: string): PersonWithIdentity | undefined;
  /** Everyone (or only staff) with each of their identities, by person id. */
  listWithIdentities(staffOnly: boolean): PersonWithIdentity[];
  /** One handle of the person (any platform), or undefined when they have no identity. */
  firstHandle(personId: number): string | undefined;
  /** Whether the person is staff as last seen (false for an unknown id). */
  isStaff(personId: number): boolean;
  /** Every identity of the person. */
  identitiesOf(personId: number): IdentityRow[];
  /** How many admins are staff now. */
  staffAdminCount(): number;
  /** The person's hand-made grant ('added', 'removed'), or null when the rules decide (or the id is unknown). */
  staffGrant(personId: number): StaffGrant | null;
  /** Records a hand-made grant of staff with `role` (/people add). */
  grantStaff(personId: number, role: Role): void;
  /** Records a hand-made removal from staff (/people remove). */
  revokeStaff(personId: number): void;
  /** Sets the role the person has while staff. */
  setRole(personId: number, role: Role): void;
  /** Sets the person's tier, or clears it with null. */
  setTier(personId: number, tier: Tier | null): void;
  /** The person's own time zone, or null when they have none (or the id is unknown). */
  timeZone(personId: number): string | null;
  /** Sets the person's own time zone, or clears it with null (they see team time). */
  setTimeZone(personId: number, zone: string | null): void;
  /** The person's role, tier, name and zone as stored, or undefined for an unknown id. */
  profile(personId: number): PersonProfile | undefined;
  /** Until when the person is on leave, or null (also for an unknown id). */
  awayUntil(personId: number): Date | null;
  /** Puts the person on leave until `until`, or back with null. */
  setAwayUntil(personId: number, until: Date | null): void;
  /** The ids of the people in `tier` (its agents, for round-robin). */
  idsInTier(tier: Tier): number[];
  /** The people on leave after `now`, and until when. */
  awayAfter(now: Date): Array<{ id: number; until: Date | null }>;
  /** The person's user id on `platform`, or undefined when they have no identity there. */
  externalIdOn(personId: number, platform: Platform): string | undefined;
  /** The handle deskops knows a platform user by, or null when it has not seen them. */
  handleOf(platform: Platform, externalId: string): string | null;
  /** The person behind a platform user, or undefined when deskops has not seen them. */
  personIdOf(platform: Platform, externalId: string): number | undefined;
}
