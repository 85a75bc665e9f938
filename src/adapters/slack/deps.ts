/** What every Slack module receives: the bot's command path and store, the Web API, the logger. */
import type { WebClient } from '@slack/web-api';
import type { SlackConfig } from '../../config.js';
import type { Deskops } from '../../main.js';
import type { Logger } from '../../log.js';
import type { SlackConversations } from './conversations.js';
import type { SlackDirectory } from './directory.js';

export interface SlackDeps {
  deskops: Deskops;
  slack: SlackConfig;
  /** The bot-token Web API client, pointed at SLACK_API_URL, with Slack's own retries off (the outbox retries). */
  client: WebClient;
  logger: Logger;
  /** What Slack says about users, for the staff rules (refreshed before each request runs). */
  directory: SlackDirectory;
  /** Who reads a conversation: where staff-only text may be posted. */
  conversations: SlackConversations;
}
