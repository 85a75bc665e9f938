/** Errors as values at the edges: use cases throw these; adapters turn the code into friendly text. */

export type ErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'INVALID';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the user could type instead; shown under the message. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (message: string, hint?: string) => new AppError('NOT_FOUND', message, hint);
export const conflict = (message: string, hint?: string) => new AppError('CONFLICT', message, hint);
export const forbidden = (message: string, hint?: string) => new AppError('FORBIDDEN', message, hint);
export const invalid = (message: string, hint?: string) => new AppError('INVALID', message, hint);

/** A mistake in how a command was typed: the reply adds the command's usage line. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The usage line(s) of the command that was mistyped. */
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
