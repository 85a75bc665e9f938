/**
 * The shell's hold on time: `:clock` pins the one clock the router, the use cases and the jobs all
 * read, `:tick` runs the jobs by hand, and on a terminal the scheduler runs in the background,
 * printing what it posts above the prompt.
 */
import type { Access } from '../../domain/access.js';
import { and, eq } from 'drizzle-orm';
import { withTeamZone } from '../../app/calendar.js';
import type { AppContext } from '../../app/context.js';
import { resolveActor } from '../../app/people.js';
import { identities } from '../../store/schema.js';
import type { SettableClock } from '../../clock.js';
import type { Config } from '../../config.js';
import { routeSink, type DeliverySink } from '../../delivery/sink.js';
import { postText, ShellSink, type ShellPost } from '../../delivery/shell-sink.js';
import { createWebhookSink } from '../../delivery/webhook-sink.js';
import type { Job, JobContext } from '../../jobs/job.js';
import { runJobsOnce, startScheduler, type Scheduler } from '../../jobs/scheduler.js';
import { runTick } from '../../jobs/tick.js';
import { correlationId } from '../../log.js';
import type { Deskops } from '../../main.js';
import type { TextStyle } from '../../views/render-text.js';
import { failure, type Reply } from '../../views/reply.js';
import { tickReply } from '../../views/tick.js';
import { isReply } from '../../views/delivery.js';
import { chartFolder, withChartFile } from './charts.js';

/** What `:clock` and `:tick` act on. */
export class ShellTools {
  private pinned: Date | undefined;

  constructor(
    /** The clock shared by the whole bot; the shell is the only one that pins it. */
    readonly clock: SettableClock,
    /** The team's zone, or how to read it now (a lead may change it with /calendar zone at any time). */
    private readonly zone: string | (() => string),
    private readonly runTick: () => Promise<Reply>,
    /** Makes a shell user known to deskops (an agent on first sight); see `introduce`. */
    private readonly meet?: (handle: string) => Introduction,
  ) {}

  /**
   * Makes `handle` a person deskops knows, as their first command would (an agent unless they are
   * an admin already), so `:as bob` then `/oncall rotation set @bob` works without bob typing first.
   * Undefined when this shell has no store to write to.
   */
  introduce(handle: string): Introduction | undefined {
    return this.meet?.(handle);
  }

  /** The team's zone as it is now, for showing instants and reading ones typed without an offset. */
  get timeZone(): string {
    return typeof this.zone === 'string' ? this.zone : this.zone();
  }

  /** The pinned instant, or undefined while the clock follows real time. */
  get pinnedAt(): Date | undefined {
    return this.pinned;
  }

  /** From now on every part of the bot sees `instant`. */
  pin(instant: Date): void {
    this.pinned = new Date(instant.getTime());
    this.clock.set(this.pinned);
  }

  /** Back to real time. */
  unpin(): void {
    this.pinned = undefined;
    this.clock.set(undefined);
  }

  /** Runs every job once as of the clock's now and delivers what is due; the reply lists the posts. */
  tick(): Promise<Reply> {
    return this.runTick();
  }
}

/** What `:as` learned about the person it switched to. */
export interface Introduction {
  /** True when deskops had not seen them before. */
  created: boolean;
  role: Access;
}

/** Resolves a shell user the way the router does (agents on first sight), in one transaction. */
function meetShellUser(app: AppContext): (handle: string) => Introduction {
  return (handle) =>
    app.store.transaction(() => {
      const known = app.store.db
        .select({ id: identities.personId })
        .from(identities)
        .where(and(eq(identities.platform, 'shell'), eq(identities.externalId, handle)))
        .get();
      const actor = resolveActor(app, 'shell', { externalId: handle, handle });
      return { created: !known, role: actor.kind === 'person' ? actor.role : 'agent' };
    });
}

/** Work beside an interactive shell that prints above the prompt. */
export interface ShellBackground {
  start(print: (text: string) => void, style: TextStyle): Scheduler;
}

interface ToolsSetup {
  deskops: Pick<Deskops, 'app' | 'logger'>;
  /** The platforms' sections (config.slack, config.rocketChat, config.email): any one set means `deskops start` delivers. */
  config: Pick<Config, 'pageWebhookUrl' | 'settings'> & { slack?: unknown; rocketChat?: unknown; email?: unknown };
  clock: SettableClock;
  jobs: readonly Job[];
}

function sinkFor(setup: ToolsSetup, emit: (post: ShellPost) => void): DeliverySink {
  const folder = chartFolder(setup.deskops.app.store.sqlite.name);
  const withChart = (post: ShellPost): ShellPost => (isReply(post.message) ? { ...post, message: withChartFile(post.message, folder) } : post);
  return routeSink({ chat: new ShellSink(setup.deskops.app, (post) => emit(withChart(post))), webhook: createWebhookSink({ url: setup.config.pageWebhookUrl }) });
}

/** The `:clock` / `:tick` tools over a running deskops whose clock is `setup.clock`. */
export function createShellTools(setup: ToolsSetup): ShellTools {
  const ctx: JobContext = { ...setup.deskops.app, logger: setup.deskops.logger };
  // The team zone of /calendar zone (DESKOPS_TIMEZONE until a lead sets one), read each time.
  const teamZone = () => withTeamZone(setup.deskops.app).settings.timeZone;
  return new ShellTools(setup.clock, teamZone, async () => {
    const timeZone = teamZone();
    const posts: ShellPost[] = [];
    try {
      const now = setup.clock.now();
      if (setup.config.slack || setup.config.rocketChat || setup.config.email) {
        // A platform is configured (chat or email): the bot delivers the outbox there; the shell
        // must not print those messages and mark them sent.
        const result = { at: now, jobs: runJobsOnce(ctx, setup.jobs, now), delivery: { messages: 0, sent: 0, dropped: 0, retrying: 0, failed: 0, more: false } };
        const reply = tickReply(result, posts, timeZone);
        const note = 'A platform is configured (chat or email): what the jobs queued is delivered there by the running bot (deskops start), not printed here.';
        return { ...reply, footer: reply.footer ? `${reply.footer}\n${note}` : note };
      }
      const result = await runTick(ctx, setup.jobs, now, sinkFor(setup, (post) => posts.push(post)));
      return tickReply(result, posts, timeZone);
    } catch (error) {
      const ref = correlationId();
      setup.deskops.logger.error({ err: error, ref }, 'shell tick failed');
      return failure(`Sorry, the tick failed (ref ${ref}).`, { hint: 'Give the ref to your admin if it keeps happening.' });
    }
  }, meetShellUser(setup.deskops.app));
}

/**
 * The scheduler as shell background work: every job on its schedule, delivery every 15 s, each
 * post printed above the prompt. Only for interactive shells: piped scripts must stay
 * deterministic, so they tick only when they say `:tick`.
 */
export function schedulerBackground(setup: ToolsSetup): ShellBackground {
  const ctx: JobContext = { ...setup.deskops.app, logger: setup.deskops.logger };
  return {
    start: (print, style) =>
      startScheduler(ctx, setup.jobs, {
        timeZone: setup.config.settings.timeZone,
        sink: sinkFor(setup, (post) => print(postText(post, style))),
      }),
  };
}
