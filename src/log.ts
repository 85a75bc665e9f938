/**
 * Structured JSON logs (pino) on stderr, so the shell's stdout carries only replies.
 *
 * Correlation: `withCorrelation({ requestId }, fn)` runs `fn` (and everything it awaits or
 * schedules) with those fields in an AsyncLocalStorage context; every log line written inside
 * carries them (pino `mixin`), and `correlationId()` returns the context's id, so the apology a
 * user sees names the same id as the log lines of that request.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';

export type { Logger };

/** The fields of the current request or job run; they appear on every log line written inside. */
export type CorrelationFields = Readonly<Record<string, string>>;

const correlation = new AsyncLocalStorage<CorrelationFields>();

/**
 * Runs `fn` with `fields` added to the correlation context (nested calls keep the outer fields
 * unless they set the same key). Returns what `fn` returns, a promise included.
 */
export function withCorrelation<T>(fields: Record<string, string>, fn: () => T): T {
  const outer = correlation.getStore();
  return correlation.run(Object.freeze({ ...outer, ...fields }), fn);
}

/** The current correlation fields ({} outside any request or job run). */
export function correlationFields(): CorrelationFields {
  return correlation.getStore() ?? {};
}

/** A fresh short id (8 hex characters). */
export function newCorrelationId(): string {
  return randomBytes(4).toString('hex');
}

/**
 * The id that ties a user-facing apology to its log lines: the current request's `requestId`
 * (or the job run's `runId`) inside a context, a fresh one outside.
 */
export function correlationId(): string {
  const fields = correlation.getStore();
  return fields?.requestId ?? fields?.runId ?? newCorrelationId();
}

/** Keys whose values never reach a log line, at the top level and one or two levels down. */
const SECRET_KEYS = [
  'token',
  'password',
  'secret',
  'authToken',
  'botToken',
  'appToken',
  'signingSecret',
  'pageWebhookUrl',
  'authorization',
  'Authorization',
  'cookie',
  'x-auth-token',
  'X-Auth-Token',
  'x-slack-signature',
];

function keyPath(prefix: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${prefix}${prefix ? '.' : ''}${key}` : `${prefix}["${key}"]`;
}

const REDACTED_PATHS = [
  ...SECRET_KEYS.map((key) => keyPath('', key)),
  ...SECRET_KEYS.map((key) => keyPath('*', key)),
  ...SECRET_KEYS.map((key) => keyPath('*.*', key)),
  'headers.authorization',
  'err.headers',
  'err.config',
  'err.request',
  'err.response.headers',
  'err.response.config',
  'err.response.request',
];

/** Token shapes that are secret wherever they appear: Slack tokens, bearer credentials. */
const SECRET_PATTERNS: readonly RegExp[] = [/\bxox[abposr]-[A-Za-z0-9-]{6,}/g, /\bxapp-[A-Za-z0-9-]{6,}/g, /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi];

export const REDACTED = '[redacted]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Removes secret values from text: every value in `secrets` (raw and as it looks inside a JSON
 * string) and every token-shaped string. Used on whole log lines, after pino's key-based redaction,
 * so a secret inside an error message or a URL is caught too.
 */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  return secretScrubber(secrets)(text);
}

/** `scrubSecrets` for a fixed list of secrets, compiled once (the logger runs it on every line). */
export function secretScrubber(secrets: readonly string[]): (text: string) => string {
  const forms = [...new Set(secrets.filter((secret) => secret.length >= 6).flatMap((secret) => [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]))];
  // Longest first, so a URL is replaced whole before a part of it (its query value) could be.
  forms.sort((a, b) => b.length - a.length);
  const values = forms.length > 0 ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : undefined;
  return (text) => {
    let out = values ? text.replace(values, REDACTED) : text;
    for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, (_match, prefix: unknown) => (typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED));
    return out;
  };
}

/** A destination that scrubs every line before it reaches `inner`. */
function scrubbing(inner: pino.DestinationStream, secrets: readonly string[]): pino.DestinationStream {
  const flushable = inner as pino.DestinationStream & { flushSync?: () => void };
  const scrub = secretScrubber(secrets);
  return {
    write: (line: string) => inner.write(scrub(line)),
    ...(typeof flushable.flushSync === 'function' ? { flushSync: () => flushable.flushSync?.() } : {}),
  };
}

export interface LoggerOptions {
  /** Secret values (tokens, passwords, webhook URLs) removed from every line whatever key holds them. */
  secrets?: readonly string[];
}

export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2), options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((secret) => secret.length >= 6);
  return pino(
    {
      level,
      base: { app: 'deskops' },
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      // A copy: pino merges the call's own fields into the object mixin returns.
      mixin: () => ({ ...correlation.getStore() }),
    },
    scrubbing(destination, secrets),
  );
}
