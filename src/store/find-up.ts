/** Finding the project's files from wherever the code runs: the sources, or a bundle of them. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The nearest path `relative` in `from` or a folder above it (the project's migrations, its
 * package.json): the sources sit one or two levels below the root, a bundle
 * (node_modules/.cache/deskops/<key>/, bin/bundle.js) deeper.
 */
export function findUp(from: string, relative: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, relative);
    if (dirname(dir) === dir) return undefined;
  }
}
