/** Environment -> typed Config, validated with zod; a wrong value stops start-up naming the variable. */
import { z } from 'zod';
import { DEPARTMENTS, type Department } from './domain/vocabulary.js';

/** Settings the use cases read (as opposed to wiring such as ports and tokens). */
export interface Settings {
  /** The team's IANA time zone: guard weeks, dates typed by people and shown to them. */
  timeZone: string;
  defaultDepartment: Department;
  /** Platform identities that are admins: "slack:U123", "shell:alice" or a bare id/handle. */
  admins: readonly string[];
  pageSize: number;
}

export interface Config {
  dbPath: string;
  port: number;
  slackApiUrl: string;
  rocketChatUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  shellUser: string | undefined;
  /** Where the on-call page is POSTed as JSON (DESKOPS_PAGE_WEBHOOK); none: pages stay in chat. */
  pageWebhookUrl: string | undefined;
  /** Rocket.Chat, when ROCKETCHAT_URL and a bot login (password or personal access token) are set. */
  rocketChat: RocketChatConfig | undefined;
  /** Slack, when SLACK_BOT_TOKEN is set: Socket Mode with SLACK_APP_TOKEN, HTTP mode with SLACK_SIGNING_SECRET. */
  slack: SlackConfig | undefined;
  settings: Settings;
}

export interface RocketChatConfig {
  url: string;
  user: string;
  /** Either a password, or a personal access token with the bot's user id. */
  password: string | undefined;
  authToken: string | undefined;
  userId: string | undefined;
  /** Messages starting with this run as commands ("!ticket new …"); a mention of the bot works too. */
  prefix: string;
}

export interface SlackConfig {
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  mode: 'socket' | 'http';
  /** The one command every deskops command also works under ("/desk ticket new …"). */
  prefixCommand: string;
  /** Known bot ids skip Slack's auth.test at start-up (useful offline and in tests). */
  botId: string | undefined;
  botUserId: string | undefined;
}

/** Whether the runtime knows `zone` as an IANA time zone. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const environmentSchema = z.object({
  DESKOPS_DB: z.string().trim().min(1).default('./data/deskops.db'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).default('https://slack.com/api/'),
  ROCKETCHAT_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  DESKOPS_TIMEZONE: z
    .string()
    .trim()
    .default('UTC')
    .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin or America/New_York' }),
  DESKOPS_DEFAULT_DEPARTMENT: z.enum(DEPARTMENTS).default('paid'),
  DESKOPS_ADMINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  DESKOPS_PAGE_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  DESKOPS_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
  DESKOPS_SHELL_USER: optionalText,
  ROCKETCHAT_USER: optionalText,
  ROCKETCHAT_PASSWORD: optionalText,
  ROCKETCHAT_AUTH_TOKEN: optionalText,
  ROCKETCHAT_USER_ID: optionalText,
  DESKOPS_ROCKETCHAT_PREFIX: z
    .string()
    .trim()
    .default('!')
    .refine((v) => /^[^\s\w@#]{1,3}$/.test(v), { message: 'must be one to three punctuation characters such as !' }),
  SLACK_BOT_TOKEN: optionalText.pipe(z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-').optional()),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.pipe(z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-').optional()),
  SLACK_BOT_ID: optionalText,
  SLACK_BOT_USER_ID: optionalText,
  DESKOPS_SLACK_COMMAND: z
    .string()
    .trim()
    .default('/desk')
    .refine((v) => /^\/[a-z0-9_-]{1,31}$/.test(v), { message: 'must be a slash command such as /desk' }),
  DESKOPS_PAGE_WEBHOOK: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
});

/** Variables whose values are secrets (or may carry one, like a webhook URL with a key): never echoed in errors. */
export const SECRET_VARIABLES: readonly string[] = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'ROCKETCHAT_PASSWORD', 'ROCKETCHAT_AUTH_TOKEN', 'DESKOPS_PAGE_WEBHOOK'];

/** The parts of a URL that may be credentials: the whole URL, its password, its query values and its path. */
function urlSecrets(url: string): string[] {
  try {
    const parsed = new URL(url);
    return [url, parsed.password, parsed.username, parsed.search, ...parsed.searchParams.values(), parsed.pathname.length > 1 ? parsed.pathname : ''];
  } catch {
    return [url];
  }
}

/** Every secret value in `config`, for the logger to scrub wherever it turns up (in messages, URLs, errors). */
export function configSecrets(config: Pick<Config, 'slack' | 'rocketChat' | 'pageWebhookUrl'>): string[] {
  const values = [
    config.slack?.botToken,
    config.slack?.appToken,
    config.slack?.signingSecret,
    config.rocketChat?.password,
    config.rocketChat?.authToken,
    ...(config.pageWebhookUrl ? urlSecrets(config.pageWebhookUrl) : []),
  ];
  // Short values ("/", "?a=1") would scrub ordinary text; a real secret is longer.
  return values.filter((value): value is string => typeof value === 'string' && value.length >= 8);
}

/** Thrown for a bad environment; the message names each offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates configuration from `env` (process.env by default). */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = issue.path.join('.');
        const shown = SECRET_VARIABLES.includes(variable) ? '(value hidden)' : JSON.stringify(env[variable] ?? '');
        return `${variable}=${shown}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  if (e.ROCKETCHAT_URL && !e.ROCKETCHAT_USER) {
    throw new ConfigError(['ROCKETCHAT_URL is set but ROCKETCHAT_USER is not: set the bot user name']);
  }
  if (e.ROCKETCHAT_URL && !e.ROCKETCHAT_PASSWORD && !(e.ROCKETCHAT_AUTH_TOKEN && e.ROCKETCHAT_USER_ID)) {
    throw new ConfigError(['ROCKETCHAT_URL is set but there is no login: set ROCKETCHAT_PASSWORD, or ROCKETCHAT_AUTH_TOKEN with ROCKETCHAT_USER_ID']);
  }
  if (e.SLACK_BOT_TOKEN && !e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    throw new ConfigError([
      'SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode) is: set one of them',
    ]);
  }
  return {
    dbPath: e.DESKOPS_DB,
    port: e.PORT,
    slackApiUrl: e.SLACK_API_URL,
    rocketChatUrl: e.ROCKETCHAT_URL,
    logLevel: e.DESKOPS_LOG_LEVEL,
    shellUser: e.DESKOPS_SHELL_USER,
    rocketChat:
      e.ROCKETCHAT_URL && e.ROCKETCHAT_USER
        ? {
            url: e.ROCKETCHAT_URL,
            user: e.ROCKETCHAT_USER,
            password: e.ROCKETCHAT_PASSWORD,
            authToken: e.ROCKETCHAT_AUTH_TOKEN,
            userId: e.ROCKETCHAT_USER_ID,
            prefix: e.DESKOPS_ROCKETCHAT_PREFIX,
          }
        : undefined,
    slack: e.SLACK_BOT_TOKEN
      ? {
          botToken: e.SLACK_BOT_TOKEN,
          signingSecret: e.SLACK_SIGNING_SECRET,
          appToken: e.SLACK_APP_TOKEN,
          mode: e.SLACK_APP_TOKEN ? 'socket' : 'http',
          prefixCommand: e.DESKOPS_SLACK_COMMAND,
          botId: e.SLACK_BOT_ID,
          botUserId: e.SLACK_BOT_USER_ID,
        }
      : undefined,
    pageWebhookUrl: e.DESKOPS_PAGE_WEBHOOK,
    settings: {
      timeZone: e.DESKOPS_TIMEZONE,
      defaultDepartment: e.DESKOPS_DEFAULT_DEPARTMENT,
      admins: e.DESKOPS_ADMINS,
      pageSize: e.DESKOPS_PAGE_SIZE,
    },
  };
}
