/** Environment -> typed Config, validated with zod; a wrong value stops start-up naming the variable. */
import { hostname } from 'node:os';
import { z } from 'zod';
import { parseAdminEntry, parseStaffRule, type AdminEntry, type StaffRule } from './domain/access.js';
import { DEPARTMENTS, type Department } from './domain/vocabulary.js';
import { EMAIL_URL_VARIABLES, emailConfig, emailEnvironment, emailSecrets, type EmailConfig } from './config-email.js';

export type { EmailConfig } from './config-email.js';

/** Settings the use cases read (as opposed to wiring such as ports and tokens). */
export interface Settings {
  /** The team's IANA time zone: guard weeks, dates typed by people and shown to them. */
  timeZone: string;
  defaultDepartment: Department;
  /** Platform users who are admins, by immutable id: "slack:U0123ABC", "rocketchat:<_id>", "shell:alice". */
  admins: readonly AdminEntry[];
  /** Who else is staff (DESKOPS_STAFF): a Slack workspace's full members, a Rocket.Chat role's holders. */
  staffRules: readonly StaffRule[];
  pageSize: number;
}

export interface Config {
  dbPath: string;
  /** PostgreSQL instead of the SQLite file (DESKOPS_DATABASE_URL, postgres://…); undefined: SQLite at dbPath. */
  databaseUrl: string | undefined;
  /** This process among the replicas of one database (DESKOPS_REPLICA_ID; host:pid by default): recorded with the leases it takes. */
  replicaId: string;
  port: number;
  slackApiUrl: string;
  rocketChatUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  shellUser: string | undefined;
  /** Where the on-call page is POSTed as JSON (DESKOPS_PAGE_WEBHOOK); none: pages stay in chat. */
  pageWebhookUrl: string | undefined;
  /** Per-person limits (DESKOPS_COMMAND_LIMIT, DESKOPS_TICKET_LIMIT), per-sender mail (DESKOPS_MAIL_SENDER_LIMIT); null: that limit is off. */
  rateLimits: { command: RateLimit | null; ticket: RateLimit | null; mail?: RateLimit | null };
  /** Email, when DESKOPS_SMTP_URL, DESKOPS_IMAP_URL or DESKOPS_SMTP_LISTEN is set (config-email.ts). */
  email: EmailConfig | undefined;
  /** Rocket.Chat, when ROCKETCHAT_URL and a bot login (password or personal access token) are set. */
  rocketChat: RocketChatConfig | undefined;
  /** Slack, when SLACK_BOT_TOKEN is set: Socket Mode with SLACK_APP_TOKEN, HTTP mode with SLACK_SIGNING_SECRET. */
  slack: SlackConfig | undefined;
  settings: Settings;
}

/** A token bucket: `burst` at once, then `perMinute` a minute. */
export interface RateLimit {
  burst: number;
  perMinute: number;
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

/** A comma-separated list, each entry parsed; every refused entry is an issue naming what to write. */
function entryList<T extends object>(parse: (entry: string) => T | { problem: string }) {
  return z
    .string()
    .default('')
    .transform((value, ctx) => {
      const entries: T[] = [];
      for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
        const parsed = parse(entry);
        if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
        else entries.push(parsed);
      }
      return entries;
    });
}

/** "<burst>,<per unit>" (e.g. "30,60": 30 at once, then 60 a minute) or "off". */
function rateLimit(fallback: string, unit: 'minute' | 'hour') {
  return z
    .string()
    .trim()
    .default(fallback)
    .transform((value, ctx): RateLimit | null => {
      if (value.toLowerCase() === 'off') return null;
      const match = /^(\d{1,6})\s*,\s*(\d{1,6})$/.exec(value);
      if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
        ctx.addIssue({ code: 'custom', message: `must be "<burst>,<per ${unit}>" such as ${fallback}, or off` });
        return null;
      }
      return { burst: Number(match[1]), perMinute: unit === 'minute' ? Number(match[2]) : Number(match[2]) / 60 };
    });
}

/** Credentials written into a URL (user:password@, a token in the query): refused, they would reach logs. */
function urlCredentials(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) return 'a user name or password';
    if ([...parsed.searchParams.keys()].some((key) => /token|key|secret|pass|auth/i.test(key))) return 'a token in the query string';
  } catch {
    return undefined;
  }
  return undefined;
}

/** The URL with whatever could be a secret replaced by ***: safe to print. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username) parsed.username = '***';
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

const environmentSchema = z.object({
  DESKOPS_DB: z.string().trim().min(1).default('./data/deskops.db'),
  DESKOPS_DATABASE_URL: optionalText.pipe(z.url({ protocol: /^postgres(?:ql)?$/, error: 'must be a PostgreSQL URL: postgres://user:password@host:5432/deskops' }).optional()),
  DESKOPS_REPLICA_ID: optionalText.pipe(z.string().max(100, 'must be at most 100 characters').optional()),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).default('https://slack.com/api/'),
  ROCKETCHAT_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  DESKOPS_TIMEZONE: z
    .string()
    .trim()
    .default('UTC')
    .refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin or America/New_York' }),
  DESKOPS_DEFAULT_DEPARTMENT: z.enum(DEPARTMENTS).default('paid'),
  DESKOPS_ADMINS: entryList(parseAdminEntry),
  DESKOPS_STAFF: entryList(parseStaffRule),
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
  DESKOPS_COMMAND_LIMIT: rateLimit('30,60', 'minute'),
  DESKOPS_TICKET_LIMIT: rateLimit('20,60', 'hour'),
  DESKOPS_MAIL_SENDER_LIMIT: rateLimit('10,30', 'hour'),
  ...emailEnvironment,
});

/** Variables whose values are secrets (or may carry one, like a webhook URL with a key): never echoed in errors. */
/** Variables holding URLs, shown masked in errors (they could carry credentials). */
const URL_VARIABLES: readonly string[] = ['ROCKETCHAT_URL', 'SLACK_API_URL', 'DESKOPS_DATABASE_URL', ...EMAIL_URL_VARIABLES];

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
/** DESKOPS_DATABASE_URL whole and its password (raw and decoded), for scrubbing text printed outside the logger. */
export function databaseUrlSecrets(env: Record<string, string | undefined>): string[] {
  const url = env.DESKOPS_DATABASE_URL?.trim();
  if (!url) return [];
  try {
    const password = new URL(url).password;
    return password ? [url, password, decodeURIComponent(password)] : [url];
  } catch {
    return [url];
  }
}

export function configSecrets(config: Pick<Config, 'slack' | 'rocketChat' | 'pageWebhookUrl'> & { email?: EmailConfig | undefined; databaseUrl?: string | undefined }): string[] {
  const values = [
    config.slack?.botToken,
    config.slack?.appToken,
    config.slack?.signingSecret,
    config.rocketChat?.password,
    config.rocketChat?.authToken,
    ...(config.pageWebhookUrl ? urlSecrets(config.pageWebhookUrl) : []),
    ...(config.databaseUrl ? urlSecrets(config.databaseUrl) : []),
    ...emailSecrets(config.email),
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
        const shown = SECRET_VARIABLES.includes(variable) ? '(value hidden)' : URL_VARIABLES.includes(variable) ? JSON.stringify(maskUrl(env[variable] ?? '')) : JSON.stringify(env[variable] ?? '');
        return `${variable}=${shown}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  const credentials = e.ROCKETCHAT_URL ? urlCredentials(e.ROCKETCHAT_URL) : undefined;
  if (credentials) {
    throw new ConfigError([
      `ROCKETCHAT_URL=${JSON.stringify(maskUrl(e.ROCKETCHAT_URL!))}: it carries ${credentials}, which would be printed wherever the URL is. Set only the server (https://chat.example.com) and the login in ROCKETCHAT_USER with ROCKETCHAT_PASSWORD, or ROCKETCHAT_AUTH_TOKEN with ROCKETCHAT_USER_ID.`,
    ]);
  }
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
  const email = emailConfig(e);
  if (email && 'problems' in email) throw new ConfigError(email.problems);
  return {
    dbPath: e.DESKOPS_DB,
    databaseUrl: e.DESKOPS_DATABASE_URL,
    replicaId: e.DESKOPS_REPLICA_ID ?? `${hostname()}:${process.pid}`,
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
    rateLimits: { command: e.DESKOPS_COMMAND_LIMIT, ticket: e.DESKOPS_TICKET_LIMIT, mail: e.DESKOPS_MAIL_SENDER_LIMIT },
    email,
    settings: {
      timeZone: e.DESKOPS_TIMEZONE,
      defaultDepartment: e.DESKOPS_DEFAULT_DEPARTMENT,
      admins: e.DESKOPS_ADMINS,
      staffRules: e.DESKOPS_STAFF,
      pageSize: e.DESKOPS_PAGE_SIZE,
    },
  };
}
