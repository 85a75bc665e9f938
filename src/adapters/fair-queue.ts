/** Resolves once the event loop has come round to its check phase: I/O has been polled meanwhile. */
function turnOfTheEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Work handled one item at a time, taking turns between keys (people): one person's flood, or a
 * slow item of theirs, waits behind everyone else's next item instead of holding them. Items of
 * one key keep their order. Between items the queue lets the event loop run, so a handler that
 * finishes without I/O (an engine in this thread) does not hold sockets, timers and other queues
 * (the answers going out, a health check, the next message read) until the whole queue is done.
 */
export class FairQueue<T> {
  private readonly lanes = new Map<string, Array<{ item: T; done: () => void }>>();
  private running = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly handle: (item: T) => Promise<void> | void,
    private readonly onError: (error: unknown, item: T) => void,
  ) {}

  /** Queues `item` in `key`'s lane; resolves once it has been handled (or failed). */
  push(key: string, item: T): Promise<void> {
    return new Promise((resolve) => {
      const lane = this.lanes.get(key);
      if (lane) lane.push({ item, done: resolve });
      else this.lanes.set(key, [{ item, done: resolve }]);
      if (!this.running) void this.drain();
    });
  }

  /** Items waiting, all lanes together. */
  get size(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.length;
    return n;
  }

  /** Resolves once nothing is queued or running. */
  idle(): Promise<void> {
    if (!this.running && this.lanes.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.lanes.size > 0) {
      // The lane at the front takes one turn, then goes to the back (Map keeps insertion order).
      const [key, lane] = this.lanes.entries().next().value as [string, Array<{ item: T; done: () => void }>];
      const next = lane.shift()!;
      this.lanes.delete(key);
      if (lane.length > 0) this.lanes.set(key, lane);
      try {
        await this.handle(next.item);
      } catch (error) {
        this.onError(error, next.item);
      }
      next.done();
      if (this.lanes.size > 0) await turnOfTheEventLoop();
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}
