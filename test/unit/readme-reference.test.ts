import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRegistry } from '../../src/commands/index.js';
import { commandReference, withReference } from '../../src/commands/reference.js';

describe('README command reference', () => {
  it('matches the command definitions (run npm run docs:commands after changing a command)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(withReference(readme, commandReference(buildRegistry()))).toBe(readme);
  });

  it('covers every registered command', () => {
    const registry = buildRegistry();
    const reference = commandReference(registry);
    for (const command of registry.all()) expect(reference).toContain(command.usage);
  });
});
