/** Rocket.Chat as a platform of `deskops start`: the realtime connection, its commands and its outbox sink. */
import type { AdapterModule, PlatformAdapter } from '../contract.js';
import { renderMessage } from './render.js';
import { startRocketChat, type RocketChatHandle, type StartRocketChatOptions } from './start.js';

/** Rocket.Chat's module; tests pass small timings. */
export function rocketChatModule(options: StartRocketChatOptions = {}): AdapterModule {
  return {
    platform: 'rocketchat',
    configured: (config) => config.rocketChat !== undefined,
    create({ config, engine, logger }): PlatformAdapter {
      // Started at once: the sink must exist before the scheduler delivers, and the connection comes up in the background.
      let handle: RocketChatHandle | undefined;
      let ready: boolean | undefined;
      let stopped = false;
      const started = (): RocketChatHandle => {
        if (!handle) {
          handle = startRocketChat(config, engine, logger, options);
          void handle.ready.then((ok) => (ready = ok));
        }
        return handle;
      };
      return {
        platform: 'rocketchat',
        get sink() {
          return started().sink;
        },
        render: (reply) => renderMessage(reply, { prefix: config.rocketChat!.prefix }),
        async start() {
          started();
          logger.info({ url: config.rocketChat!.url }, 'deskops started with Rocket.Chat');
        },
        async stop() {
          stopped = true;
          await handle?.stop();
        },
        health() {
          if (stopped || !handle || ready === false) return { state: 'stopped' };
          if (ready === undefined) return { state: 'connecting' };
          const stats = started().bot.stats();
          return stats.connects > stats.losses ? { state: 'ready' } : { state: 'reconnecting', detail: stats.lastLoss ?? 'the connection was lost' };
        },
      };
    },
  };
}
