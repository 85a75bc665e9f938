/** What every Slack module receives: the bot's command path and store, the Web API, the logger. */
import type { WebClient } from '@slack/web-api';
import type { SlackConfig } from '../../config.js';
import type { Deskops } from '../../main.js';
import type { Logger } from '../../log.js';

export interface SlackDeps {
  deskops: Deskops;
  slack: SlackConfig;
  /** The bot-token Web API client, pointed at SLACK_API_URL, with Slack's own retries off (the outbox retries). */
  client: WebClient;
  logger: Logger;
}
