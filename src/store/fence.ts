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
  readonly code = 'fenced-out';
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

/**
 * The fence a store's write transactions check, set while fenced work runs (each engine's
 * `TransactionBoundary.fenced`): `current()` is read when an outermost write transaction begins.
 */
export function fenceHolder(): { current(): Fence | undefined; run<T>(fence: Fence, work: () => T): T } {
  let fence: Fence | undefined;
  return {
    current: () => fence,
    run(next, work) {
      const previous = fence;
      fence = next;
      try {
        return work();
      } finally {
        fence = previous;
      }
    },
  };
}

/** Whether `error` is a fencing refusal (it may have crossed a thread boundary as a plain error). */
export function isFencedOut(error: unknown): boolean {
  return error instanceof FencedOut || (error as { code?: unknown } | null)?.code === 'fenced-out';
}
