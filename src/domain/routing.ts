/**
 * Who a new ticket in a tier goes to: the engineer who escalated it, when it comes back down; the
 * person on duty in the tier's rotation; or, round-robin, the agent of the tier working now with
 * the fewest active tickets there (under the cap), least recently given one first. Pure.
 */

export interface RoutingCandidate {
  personId: number;
  /** Active tickets assigned to them in this tier. */
  active: number;
  /** When they were last given a ticket by routing (null: never). */
  lastRoutedAt: number | null;
  /** On leave now. */
  away: boolean;
}

export interface RoutingInput {
  /** The engineer who escalated this ticket out of the tier it is coming back to. */
  original: { personId: number; away: boolean } | null;
  /** The rotation's person on duty now, if the tier has a rotation. */
  onDuty: { personId: number; away: boolean; active: number } | null;
  /** The tier's agents, for round-robin (empty when round-robin is off for the tier). */
  candidates: readonly RoutingCandidate[];
  /** Team working hours are on now (round-robin only hands work to people at work). */
  working: boolean;
  /** Most active tickets in the tier one person gets from routing. */
  cap: number;
}

export type RoutingChoice = { personId: number; reason: 'original' | 'on-duty' | 'round-robin' } | null;

export function pickAssignee(input: RoutingInput): RoutingChoice {
  if (input.original && !input.original.away) return { personId: input.original.personId, reason: 'original' };
  if (input.onDuty && !input.onDuty.away && input.onDuty.active < input.cap) return { personId: input.onDuty.personId, reason: 'on-duty' };
  if (!input.working) return null;
  const open = input.candidates.filter((c) => !c.away && c.active < input.cap);
  if (open.length === 0) return null;
  const [best] = [...open].sort((a, b) => a.active - b.active || (a.lastRoutedAt ?? -1) - (b.lastRoutedAt ?? -1) || a.personId - b.personId);
  return { personId: best!.personId, reason: 'round-robin' };
}
