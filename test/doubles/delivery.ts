/** A recording delivery sink that can be told to fail, and a job context whose log can be read. */
import type { AppContext } from '../../src/app/context.js';
import type { DeliverySink, OutboundMessage, OutboxRow } from '../../src/delivery/sink.js';
import type { JobContext } from '../../src/jobs/job.js';
import { createLogger } from '../../src/log.js';
import { createInProcessEngine } from '../../src/engine/in-process.js';
import type { Engine } from '../../src/engine/port.js';

/** One post the fake sink accepted. */
export interface RecordedPost {
  channel: string;
  message: OutboundMessage;
  rows: readonly OutboxRow[];
}

/** Records every post; `failNext` makes the next posts throw, `hold` makes them wait until released. */
export class FakeSink implements DeliverySink {
  readonly posts: RecordedPost[] = [];
  /** Every call, including the ones that failed. */
  calls = 0;
  private readonly failures: Error[] = [];
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  /** The next `count` posts throw `error`. */
  failNext(error: Error, count = 1): this {
    for (let i = 0; i < count; i++) this.failures.push(error);
    return this;
  }

  /** Posts wait until `release()`; lets a test hold a delivery in flight. */
  hold(): this {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
    return this;
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  async post(channel: string, message: OutboundMessage, rows: readonly OutboxRow[]): Promise<void> {
    this.calls++;
    // Yield first, as a real network call would, so concurrent workers interleave here.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.gate) await this.gate;
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.posts.push({ channel, message, rows });
  }

  /** Dedupe keys of every row posted, in order. */
  postedKeys(): string[] {
    return this.posts.flatMap((p) => p.rows.map((r) => r.dedupeKey));
  }
}

/** A job context over `app` with a log kept in memory (JSON lines). */
export function jobContext(app: AppContext): { ctx: JobContext; logLines: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (msg: string) => void lines.push(msg) });
  return { ctx: { ...app, logger }, logLines: () => lines.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** An in-process engine over a job context: what the delivery worker and the sinks talk to. */
export function engineOver(ctx: JobContext): Engine {
  return createInProcessEngine({ app: ctx, logger: ctx.logger });
}
