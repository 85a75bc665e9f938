/** The engine's operations that only Slack asks for: the App Home tab, built where the data is. */
import type { types } from '@slack/bolt';
import type { PlatformUser } from '../../app/people.js';
import { buildHomeView } from '../../adapters/slack/interactions/home-view.js';
import { requestContext } from '../../commands/router.js';
import type { EngineEnv } from '../env.js';

export const slackOps = {
  /**
   * The Home tab for a Slack user, in one transaction: a first-time visitor becomes a person right
   * here (an agent or a requester, as the staff rules say), as their first command would make them.
   */
  slackHome(env: EngineEnv, user: PlatformUser): types.HomeView {
    const { app } = env;
    return app.store.transaction(() => buildHomeView(requestContext(app, 'slack', user, { channel: null, thread: null })));
  },
};
