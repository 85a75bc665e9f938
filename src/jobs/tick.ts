/**
 * One tick by hand, as of a chosen instant: every job once, then delivery of whatever is due.
 * `deskops tick --at` and the shell's `:tick` both run this; so does nothing else.
 */
import { TZDate } from '@date-fns/tz';
import { drainOutbox, type DeliveryOptions, type DeliveryReport } from '../delivery/worker.js';
import type { DeliverySink } from '../delivery/sink.js';
import type { EnginePort } from '../engine/port.js';
import { asJobRun, DELIVERY_JOB } from './run-context.js';
import type { JobRunReport } from './runs.js';

/** How `--at` and `:clock` want an instant, for error messages. */
export const INSTANT_FORMAT =
  'an ISO 8601 instant such as 2026-11-23T10:00:00Z or 2026-11-23T10:00+01:00 (without an offset, the time is read in the team time zone)';

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/i;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses an ISO 8601 date-time into an instant. With Z or an offset it is exact; without one it is
 * wall-clock time in `timeZone`. Impossible dates (2026-02-30, 24:00) are refused, not rolled over.
 */
export function parseInstant(text: string, timeZone: string): Date | undefined {
  const match = INSTANT.exec(text.trim());
  if (!match) return undefined;
  const part = (index: number) => Number(match[index] ?? '0');
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map(part) as [number, number, number, number, number, number];
  const millis = Number((match[7] ?? '0').padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  if (match[8] === undefined && match[9] === undefined) {
    return new Date(new TZDate(year, month - 1, day, hour, minute, second, millis, timeZone).getTime());
  }
  const offsetMinutes = match[8] ? 0 : (match[9] === '-' ? -1 : 1) * (part(10) * 60 + part(11));
  if (part(10) > 14 || part(11) > 59) return undefined;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000);
}

/** What one tick did. */
export interface TickResult {
  at: Date;
  jobs: Record<string, JobRunReport>;
  delivery: DeliveryReport;
}

/** The engine calls a tick makes. */
export type TickEngine = Pick<EnginePort, 'runJobs' | 'deliveryClaim' | 'deliveryRenew' | 'deliverySent' | 'deliveryFailed' | 'deliveryRelease'>;

/** Runs every job once as of `now` (in the engine), then delivers everything due at `now` through `sink`. */
export async function runTick(engine: TickEngine, now: Date, sink: DeliverySink, options?: DeliveryOptions): Promise<TickResult> {
  const { jobs } = await engine.runJobs(now);
  const delivery = await asJobRun(DELIVERY_JOB, () => drainOutbox(engine, now, sink, options));
  return { at: now, jobs, delivery };
}

/** A tick that only runs the jobs: chat is configured, so the running bot delivers what they queued. */
export async function runJobsTick(engine: Pick<EnginePort, 'runJobs'>, now: Date): Promise<TickResult> {
  const { jobs } = await engine.runJobs(now);
  return { at: now, jobs, delivery: { messages: 0, sent: 0, dropped: 0, retrying: 0, failed: 0, more: false } };
}

/** True when a job threw as a whole (item failures are counted, not fatal). */
export function tickHadJobErrors(result: TickResult): boolean {
  return Object.values(result.jobs).some((report) => report.error !== undefined);
}
