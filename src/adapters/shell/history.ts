/** The interactive shell's command history, kept in a file beside the database. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Lines kept, in the file and in readline's memory. */
export const HISTORY_SIZE = 500;

const HISTORY_FILE = '.deskops_history';

/** The history file for a database: `<db dir>/.deskops_history`; none for an in-memory database. */
export function historyPathFor(dbPath: string): string | undefined {
  return dbPath === ':memory:' ? undefined : join(dirname(resolve(dbPath)), HISTORY_FILE);
}

/** The saved history, newest first as readline wants it; a missing file is an empty history. */
export function loadHistory(path: string): string[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return content
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-HISTORY_SIZE)
    .reverse();
}

/** Saves readline's history (newest first) oldest first, owner-only: commands carry ticket text. */
export function saveHistory(path: string, history: readonly string[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const lines = history.slice(0, HISTORY_SIZE).reverse();
  writeFileSync(path, lines.length > 0 ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
}
