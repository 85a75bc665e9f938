/** Slack as a platform of `deskops start`: the Bolt app (HTTP or Socket Mode) and its outbox sink. */
import type { AdapterModule, PlatformAdapter } from '../contract.js';
import { renderBlocks } from './render.js';
import { createSlackSink } from './sink.js';
import { slackDeps, startSlack, type SlackHandle } from './start.js';

export const slackModule: AdapterModule = {
  platform: 'slack',
  configured: (config) => config.slack !== undefined,
  create({ config, engine, logger, port, health }): PlatformAdapter {
    const slack = config.slack!;
    const deps = slackDeps(config, slack, engine, logger);
    let handle: SlackHandle | undefined;
    let ready = false;
    return {
      platform: 'slack',
      sink: createSlackSink(deps),
      render: (reply) => renderBlocks(reply),
      async start() {
        // HTTP mode serves GET /healthz for the whole service: Slack's own state is one part of it.
        handle = await startSlack(config, engine, logger, { deps, ...(health ? { health: () => health() } : {}), ...(port !== undefined ? { port } : {}) });
        const starting = handle;
        void starting.ready.then((ok) => (ready = ok && handle === starting));
        logger.info({ mode: slack.mode }, 'deskops started with Slack');
      },
      async stop() {
        const stopping = handle;
        handle = undefined;
        ready = false;
        await stopping?.stop();
      },
      health: () => (!handle ? { state: 'stopped' } : ready ? { state: 'ready' } : { state: 'connecting', detail: 'not connected yet (auth.test)' }),
      httpPort: () => handle?.port,
    };
  },
};
