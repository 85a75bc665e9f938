/**
 * The App Home tab: published fresh each time the person opens it (the view is built in the
 * engine, where the data is: home-view.ts), and its New ticket button.
 */
import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { isRequesterUser, payloadUser, slackUser } from './common.js';
import { HOME_NEW_TICKET_ACTION } from './home-constants.js';
import { openNewTicketModal } from './ticket-modal.js';


/** Registers app_home_opened (publishes the Home tab) and its New ticket button. */
export function registerHome(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    // The same event fires for the Messages tab; only Home has a view to publish.
    if (event.tab !== 'home') return;
    // One transaction in the engine: a first-time visitor becomes a person right there.
    const view = await deps.engine.slackHome(await slackUser(deps, event.user));
    await client.views.publish({ user_id: event.user, view });
  });

  app.action(HOME_NEW_TICKET_ACTION, async ({ ack, body, client }) => {
    await ack();
    if (body.type !== 'block_actions') return;
    if (await isRequesterUser(deps, await payloadUser(deps, body.user))) return;
    await openNewTicketModal(client, body.trigger_id, deps);
  });
}
