import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it('cites docs/workflow.md for the workflow, never a DOMAIN.md the repository does not have', () => {
    const root = new URL('../../', import.meta.url).pathname;
    const files = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    const citing = [...files('src'), ...files('test'), 'README.md', 'docs/workflow.md'].filter((file) => /DOMAIN(\.md|'s)/.test(readFileSync(join(root, file), 'utf8')) && !file.endsWith('readme-reference.test.ts'));
    expect(citing).toEqual([]);
    expect(existsSync(join(root, 'docs/workflow.md'))).toBe(true);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('](docs/workflow.md)');
  });
});
