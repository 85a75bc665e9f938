/** What every Slack module receives: the engine (commands, the store's lookups), the Web API, the logger. */
import type { WebClient } from '@slack/web-api';
import type { Settings, SlackConfig } from '../../config.js';
import type { Engine } from '../../engine/port.js';
import type { Logger } from '../../log.js';
import type { SlackConversations } from './conversations.js';
import type { SlackDirectory } from './directory.js';

export interface SlackDeps {
  /** The port to the engine: every command, use case and store lookup goes through it. */
  engine: Engine;
  slack: SlackConfig;
  /** The configured settings (the default department a form starts with, the staff rules). */
  settings: Settings;
  /** The bot-token Web API client, pointed at SLACK_API_URL, with Slack's own retries off (the outbox retries). */
  client: WebClient;
  logger: Logger;
  /** What Slack says about users, for the staff rules (refreshed before each request runs). */
  directory: SlackDirectory;
  /** Who reads a conversation: where staff-only text may be posted. */
  conversations: SlackConversations;
}
