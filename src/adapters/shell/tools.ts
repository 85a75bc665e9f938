/**
 * The shell's hold on time: `:clock` pins the one clock the router, the use cases and the jobs all
 * read (the engine's), `:tick` runs the jobs by hand, and on a terminal the scheduler runs in the
 * background, printing what it posts above the prompt.
 */
import type { Config } from '../../config.js';
import { routeSink, type DeliverySink } from '../../delivery/sink.js';
import { postText, ShellSink, type ShellPost } from '../../delivery/shell-sink.js';
import { createWebhookSink } from '../../delivery/webhook-sink.js';
import type { Introduction } from '../../engine/ops/commands.js';
import type { Engine, EnginePort } from '../../engine/port.js';
import { startScheduler, type Scheduler } from '../../jobs/scheduler.js';
import { runJobsTick, runTick } from '../../jobs/tick.js';
import { correlationId, type Logger } from '../../log.js';
import type { TextStyle } from '../../views/render-text.js';
import { failure, type Reply } from '../../views/reply.js';
import { tickReply } from '../../views/tick.js';
import { isReply } from '../../views/delivery.js';
import { chartFolder, withChartFile } from './charts.js';

export type { Introduction } from '../../engine/ops/commands.js';

/** What `:clock` and `:as` ask the engine. */
export type ShellToolsEngine = Pick<EnginePort, 'now' | 'pinClock' | 'teamZone' | 'introduce'>;

/** What `:clock` and `:tick` act on. */
export class ShellTools {
  private pinned: Date | undefined;

  constructor(
    /** The engine whose clock the whole bot reads; the shell is the only one that pins it. */
    private readonly engine: ShellToolsEngine,
    private readonly runTick: () => Promise<Reply>,
  ) {}

  /**
   * Makes `handle` a person deskops knows, as their first command would (an agent unless they are
   * an admin already), so `:as bob` then `/oncall rotation set @bob` works without bob typing first.
   */
  introduce(handle: string): Promise<Introduction> {
    return this.engine.introduce('shell', { externalId: handle, handle });
  }

  /** The team's zone as it is now (a lead may change it with /calendar zone at any time), for showing instants and reading ones typed without an offset. */
  timeZone(): Promise<string> {
    return this.engine.teamZone();
  }

  /** The instant the bot sees now. */
  now(): Promise<Date> {
    return this.engine.now();
  }

  /** The pinned instant, or undefined while the clock follows real time. */
  get pinnedAt(): Date | undefined {
    return this.pinned;
  }

  /** From now on every part of the bot sees `instant`. */
  async pin(instant: Date): Promise<void> {
    await this.engine.pinClock(instant);
    this.pinned = new Date(instant.getTime());
  }

  /** Back to real time. */
  async unpin(): Promise<void> {
    await this.engine.pinClock(null);
    this.pinned = undefined;
  }

  /** Runs every job once as of the clock's now and delivers what is due; the reply lists the posts. */
  tick(): Promise<Reply> {
    return this.runTick();
  }
}

/** Work beside an interactive shell that prints above the prompt. */
export interface ShellBackground {
  start(print: (text: string) => void, style: TextStyle): Scheduler;
}

interface ToolsSetup {
  engine: Engine;
  logger: Logger;
  /** The platforms' sections (config.slack, config.rocketChat, config.email): any one set means `deskops start` delivers. */
  config: Pick<Config, 'pageWebhookUrl' | 'settings' | 'dbPath'> & { slack?: unknown; rocketChat?: unknown; email?: unknown };
}

function sinkFor(setup: ToolsSetup, emit: (post: ShellPost) => void): DeliverySink {
  const folder = chartFolder(setup.config.dbPath);
  const withChart = async (post: ShellPost): Promise<ShellPost> => (isReply(post.message) ? { ...post, message: await withChartFile(setup.engine, post.message, folder) } : post);
  return routeSink({ chat: new ShellSink(setup.engine, async (post) => emit(await withChart(post))), webhook: createWebhookSink({ url: setup.config.pageWebhookUrl }) });
}

/** The `:clock` / `:tick` tools over the shell's engine. */
export function createShellTools(setup: ToolsSetup): ShellTools {
  const { engine } = setup;
  return new ShellTools(engine, async () => {
    const posts: ShellPost[] = [];
    try {
      const timeZone = await engine.teamZone();
      const now = await engine.now();
      if (setup.config.slack || setup.config.rocketChat || setup.config.email) {
        // A platform is configured (chat or email): the bot delivers the outbox there; the shell
        // must not print those messages and mark them sent.
        const reply = tickReply(await runJobsTick(engine, now), posts, timeZone);
        const note = 'A platform is configured (chat or email): what the jobs queued is delivered there by the running bot (deskops start), not printed here.';
        return { ...reply, footer: reply.footer ? `${reply.footer}\n${note}` : note };
      }
      const result = await runTick(engine, now, sinkFor(setup, (post) => posts.push(post)));
      return tickReply(result, posts, timeZone);
    } catch (error) {
      const ref = correlationId();
      setup.logger.error({ err: error, ref }, 'shell tick failed');
      return failure(`Sorry, the tick failed (ref ${ref}).`, { hint: 'Give the ref to your admin if it keeps happening.' });
    }
  });
}

/**
 * The scheduler as shell background work: every job on its schedule, delivery every 15 s, each
 * post printed above the prompt. Only for interactive shells: piped scripts must stay
 * deterministic, so they tick only when they say `:tick`.
 */
export function schedulerBackground(setup: ToolsSetup): ShellBackground {
  return {
    start: (print, style) =>
      startScheduler(setup.engine, setup.engine.info.jobs, {
        timeZone: setup.config.settings.timeZone,
        logger: setup.logger,
        sink: sinkFor(setup, (post) => print(postText(post, style))),
      }),
  };
}
