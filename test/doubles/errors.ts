/** Catching the AppError a use case throws, to assert its code, message and hint. */
import { AppError } from '../../src/app/errors.js';

/** The AppError `work` throws; fails the test if it throws nothing or something else. */
export function thrown(work: () => unknown): AppError {
  try {
    work();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}
