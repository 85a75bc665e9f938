/** Rocket.Chat as a platform of `deskops start`: the realtime connection, its commands and its outbox sink. */
import type { AdapterModule, PlatformAdapter } from '../contract.js';
import { renderMessage } from './render.js';
import { STREAM_LEASE_OF_ROCKET_CHAT } from '../../replicas/names.js';
import { startRocketChat, type RocketChatHandle, type StartRocketChatOptions } from './start.js';

/** Rocket.Chat's module; tests pass small timings. */
export function rocketChatModule(options: StartRocketChatOptions = {}): AdapterModule {
  return {
    platform: 'rocketchat',
    configured: (config) => config.rocketChat !== undefined,
    create({ config, engine, logger, lease }): PlatformAdapter {
      // Started at once: the sink must exist before the scheduler delivers, and the connection comes up in the background.
      let handle: RocketChatHandle | undefined;
      let ready: boolean | undefined;
      let stopped = false;
      const started = (): RocketChatHandle => {
        if (!handle) {
          // One replica at a time reads the stream; the others stand by and still post.
          const exclusive = options.exclusive ?? lease?.(STREAM_LEASE_OF_ROCKET_CHAT);
          handle = startRocketChat(config, engine, logger, { ...options, ...(exclusive ? { exclusive } : {}) });
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
          if (started().bot.standingBy()) return { state: 'standby', detail: 'another replica reads the Rocket.Chat stream' };
          const stats = started().bot.stats();
          return stats.connects > stats.losses ? { state: 'ready' } : { state: 'reconnecting', detail: stats.lastLoss ?? 'the connection was lost' };
        },
      };
    },
  };
}
