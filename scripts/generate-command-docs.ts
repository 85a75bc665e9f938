/** Rewrites the README's command reference from the registry: `npm run docs:commands`. */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildRegistry } from '../src/commands/index.js';
import { commandReference, withReference } from '../src/commands/reference.js';

const path = new URL('../README.md', import.meta.url);
const updated = withReference(readFileSync(path, 'utf8'), commandReference(buildRegistry()));
writeFileSync(path, updated);
console.log('README.md command reference updated');
