/**
 * `deskops tick [--at <instant>]`: every scheduled job once as of that instant (default now), then
 * whatever is due delivered to stdout as the shell would show it (only with no platform configured:
 * otherwise the running bot delivers). For operators and for tests.
 */
import { SettableClock } from '../clock.js';
import type { Config } from '../config.js';
import { routeSink } from '../delivery/sink.js';
import { postText, ShellSink, type ShellPost } from '../delivery/shell-sink.js';
import { createWebhookSink } from '../delivery/webhook-sink.js';
import { anyPlatformConfigured } from '../adapters/registry.js';
import { allJobs } from '../jobs/index.js';
import { createInProcessEngine } from '../engine/in-process.js';
import { INSTANT_FORMAT, parseInstant, runJobsTick, runTick, tickHadJobErrors } from '../jobs/tick.js';
import { createDeskopsFor } from '../main.js';
import { prepareStorage } from '../store/open.js';
import { tickReportText } from '../views/tick.js';

/** A `--at` value that is not an instant; the message says what is expected. */
export class TickUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TickUsageError';
  }
}

/** The tick ran and printed its report, but a job threw; the message names the jobs. */
export class TickJobsFailed extends Error {
  constructor(readonly jobs: readonly string[]) {
    super(`${jobs.length === 1 ? 'job' : 'jobs'} ${jobs.join(', ')} failed; the log on stderr has the details.`);
    this.name = 'TickJobsFailed';
  }
}

/** The instant `--at` names, or now. */
export function tickInstant(at: string | undefined, timeZone: string, now: () => Date = () => new Date()): Date {
  if (at === undefined) return now();
  const instant = parseInstant(at, timeZone);
  if (!instant) throw new TickUsageError(`--at "${at}" is not a valid instant: use ${INSTANT_FORMAT}.`);
  return instant;
}

/** Runs one tick against the configured database and writes the report and the posts with `write`. */
export async function tickCommand(config: Config, options: { at?: string }, write: (text: string) => void): Promise<void> {
  const at = tickInstant(options.at, config.settings.timeZone);
  // The whole bot sees the chosen instant: jobs, and the use cases they call through ctx.clock.
  await prepareStorage(config);
  const deskops = createDeskopsFor(config, { clock: new SettableClock(undefined, at) });
  // In this process: a one-off run has no requests to keep answering meanwhile.
  const engine = createInProcessEngine({ ...deskops, jobs: allJobs() }, { onClose: () => deskops.close() });
  try {
    const posts: ShellPost[] = [];
    if (anyPlatformConfigured(config)) {
      // The running bot (deskops start) delivers the outbox to the platform: printing the rows here
      // would mark them sent without anyone, requesters included, receiving them.
      const result = await runJobsTick(engine, at);
      write(`${tickReportText(result, config.settings.timeZone)}\n`);
      write('A platform is configured (chat or email): what the jobs queued is delivered there by the running bot (deskops start), not printed here.\n');
      if (tickHadJobErrors(result)) throw new TickJobsFailed(Object.entries(result.jobs).filter(([, report]) => report.error !== undefined).map(([name]) => name));
      return;
    }
    const sink = routeSink({ chat: new ShellSink(engine, (post) => void posts.push(post)), webhook: createWebhookSink({ url: config.pageWebhookUrl }) });
    const result = await runTick(engine, at, sink);
    write(`${tickReportText(result, config.settings.timeZone)}\n`);
    for (const post of posts) write(`\n${postText(post, 'plain')}\n`);
    if (tickHadJobErrors(result)) {
      throw new TickJobsFailed(Object.entries(result.jobs).filter(([, report]) => report.error !== undefined).map(([name]) => name));
    }
  } finally {
    await engine.close();
  }
}
