/** Structured JSON logs (pino) on stderr, so the shell's stdout carries only replies. */
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line. */
const REDACTED_PATHS = ['token', 'password', 'secret', 'authToken', '*.token', '*.password', '*.secret', '*.authToken', 'headers.authorization'];

export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): Logger {
  return pino({ level, base: { app: 'deskops' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}

/** A short id that ties a user-facing apology to its log line. */
export function correlationId(): string {
  return randomBytes(4).toString('hex');
}
