#!/usr/bin/env node
// The `deskops` executable. It runs a bundle of the TypeScript sources (bin/bundle.js builds it on
// the first start after a change, into node_modules/.cache/deskops/): no TypeScript loader thread
// in the process, the engine's worker threads load their own bundle, and start-up reads one file
// instead of compiling hundreds. If the bundle cannot be built (esbuild missing), tsx's loader
// compiles the sources as they are imported, as before.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

let cli;
try {
  const { ensureBundle } = await import('./bundle.js');
  const { dir } = await ensureBundle();
  cli = await import(pathToFileURL(join(dir, 'cli.mjs')).href);
} catch (error) {
  console.error(`deskops: running from the TypeScript sources (the bundle could not be built: ${error instanceof Error ? error.message : String(error)})`);
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src/cli.ts');
}
process.exitCode = await cli.runCli(process.argv);
