/** Limits the command path enforces, shared by the engine and the adapters that quiet their replies. */

/** The reply title when a person's commands are over the rate limit (adapters quiet repeats of it). */
export const RATE_LIMITED_TITLE = 'You are sending commands faster than deskops takes them, so this one was not run.';

/** Longest command text accepted; beyond it nobody is typing, something is flooding. */
export const MAX_COMMAND_LENGTH = 40_000;
