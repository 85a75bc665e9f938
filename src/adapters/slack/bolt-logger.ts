/** Bolt's and the Socket Mode client's log lines, into deskops' pino logger under `source: "slack"`. */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../log.js';

/** Bolt's level nearest to pino's (Bolt has no trace, fatal or silent). */
function boltLevel(pinoLevel: string): LogLevel {
  if (pinoLevel === 'trace' || pinoLevel === 'debug') return LogLevel.DEBUG;
  if (pinoLevel === 'info') return LogLevel.INFO;
  if (pinoLevel === 'warn') return LogLevel.WARN;
  return LogLevel.ERROR;
}

function text(parts: unknown[]): string {
  return parts.map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
}

/**
 * A Bolt Logger over pino. Bolt chats at info level about every connection, so its info goes to
 * debug; its warnings (rejected signatures, unhandled requests) and errors stay what they are.
 */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ source: 'slack' });
  let name = 'bolt';
  return {
    debug: (...msg: unknown[]) => child.debug({ name }, text(msg)),
    info: (...msg: unknown[]) => child.debug({ name }, text(msg)),
    warn: (...msg: unknown[]) => child.warn({ name }, text(msg)),
    error: (...msg: unknown[]) => child.error({ name }, text(msg)),
    // The level is pino's to decide (DESKOPS_LOG_LEVEL); Bolt and the Socket Mode client only read it.
    setLevel: () => undefined,
    getLevel: () => boltLevel(logger.level),
    setName: (next: string) => {
      name = next;
    },
  };
}
