/**
 * The logger handed to the Rocket.Chat SDK. The SDK logs the login token at info level and whole
 * DDP frames at debug: every line is flattened to text, secrets are cut out, and its chatter goes
 * to our debug level (its warnings and errors stay warnings and errors).
 */
import type { Logger } from '../../log.js';

/** The SDK's logger interface (ILogger). */
export interface SdkLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  warning(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** Values of keys that carry credentials, in JSON or header form. */
const SECRET_FIELDS = /("?(?:password|authToken|token|resume|digest|x-auth-token|X-Auth-Token)"?\s*[:=]\s*)("[^"]*"|[^\s,}]+)/gi;

/** `text` with every known secret and every credential-looking field replaced by [redacted]. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(SECRET_FIELDS, '$1"[redacted]"');
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  return out;
}

function flatten(args: readonly unknown[]): string {
  return args
    .map((arg) => {
      if (typeof arg === 'string') return arg;
      if (arg instanceof Error) return `${arg.name}: ${arg.message}`;
      try {
        return JSON.stringify(arg);
      } catch {
        return String(arg);
      }
    })
    .join(' ');
}

/** An SDK logger writing redacted lines to `logger`; `secrets` is read at each line (tokens change on login). */
export function sdkLogger(logger: Logger, secrets: () => readonly string[]): SdkLogger {
  const write = (level: 'debug' | 'warn' | 'error') => (...args: unknown[]) => {
    // Flattening a DDP frame per message is the cost of a 10k-message run: skip it when nobody listens.
    if (!logger.isLevelEnabled(level)) return;
    logger[level]({ sdk: true }, redact(flatten(args), secrets()));
  };
  return { debug: write('debug'), info: write('debug'), warn: write('warn'), warning: write('warn'), error: write('error') };
}
