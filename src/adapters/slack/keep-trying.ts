/**
 * Start-up that never gives up and never crashes: an attempt (auth.test, opening the Socket Mode
 * connection) is retried with capped exponential backoff until it works or the adapter stops,
 * each failure logged with a reason a person can act on.
 */
import { ErrorCode } from '@slack/web-api';
import type { Logger } from '../../log.js';
import { pause } from '../pause.js';

export interface BackoffOptions {
  /** First wait, in ms (default 1 s). */
  initialMs?: number;
  /** Longest wait, in ms (default 60 s). */
  maxMs?: number;
  factor?: number;
}

/** The wait before retry number `attempt` (1-based): initial × factor^(attempt-1), capped. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { initialMs = 1000, maxMs = 60_000, factor = 2 } = options;
  return Math.min(maxMs, initialMs * factor ** (attempt - 1));
}

/** Why a Web API call failed, in words that say what to check. */
export function slackFailureReason(error: unknown): string {
  const e = error as { code?: string; data?: { error?: string }; statusCode?: number; original?: { message?: string }; message?: string };
  switch (e?.code) {
    case ErrorCode.PlatformError:
      return e.data?.error === 'invalid_auth' || e.data?.error === 'not_authed'
        ? `Slack refused the token (${e.data.error}): check SLACK_BOT_TOKEN / SLACK_APP_TOKEN`
        : `Slack answered "${e.data?.error ?? 'error'}"`;
    case ErrorCode.HTTPError:
      return `Slack answered HTTP ${e.statusCode ?? '?'}`;
    case ErrorCode.RequestError:
      return `Slack is unreachable (${e.original?.message ?? e.message ?? 'no answer'}): check the network or SLACK_API_URL`;
    case ErrorCode.RateLimitedError:
      return 'Slack is rate-limiting us';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Runs `attempt` until it resolves; resolves true then, or false once `signal` aborts. Never
 * rejects: a failure is a warning naming `what`, the reason and the next wait.
 */
export async function keepTrying(what: string, attempt: () => Promise<void>, options: BackoffOptions & { signal: AbortSignal; logger: Logger }): Promise<boolean> {
  for (let failures = 0; !options.signal.aborted; ) {
    try {
      await attempt();
      if (failures > 0) options.logger.info({ what, failures }, `${what}: succeeded after ${failures} failed attempt(s)`);
      return true;
    } catch (error) {
      failures++;
      const waitMs = backoffDelay(failures, options);
      options.logger.warn({ what, attempt: failures, retryInMs: waitMs }, `${what} failed: ${slackFailureReason(error)}; retrying in ${Math.round(waitMs / 100) / 10} s`);
      await pause(waitMs, options.signal);
    }
  }
  return false;
}
