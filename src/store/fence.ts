/**
 * Fencing: the writes of a lease's holder carry the token of its turn, and the store refuses them
 * once another holder has taken a later turn. A replica that paused (a long GC, a frozen VM, a lost
 * network) may still believe it leads when it wakes; its next transaction finds the newer token
 * and throws FencedOut before writing anything, so two schedulers never act at once.
 */

/** The turn a run of work holds: lease `lease` at `token` (LeaseRepository.takeTurn). */
export interface Fence {
  lease: string;
  token: number;
}

/** Thrown by a fenced transaction when the lease has moved on to another turn (or was never taken). */
export class FencedOut extends Error {
  readonly code = 'DESKOPS_FENCED';
  constructor(
    readonly fence: Fence,
    readonly currentToken: number | undefined,
  ) {
    super(`lease "${fence.lease}" moved on: this holder has turn ${fence.token}, the store has ${currentToken ?? 'none'}; nothing was written`);
    this.name = 'FencedOut';
  }
}

/** Throws FencedOut unless `current` (the stored token) is the fence's own. */
export function checkFence(fence: Fence, current: number | undefined): void {
  if (current !== fence.token) throw new FencedOut(fence, current);
}

/** Whether `error` is a fencing refusal (it may have crossed a thread boundary as a plain error). */
export function isFencedOut(error: unknown): boolean {
  return error instanceof FencedOut || (error as { code?: unknown } | null)?.code === 'DESKOPS_FENCED';
}
