#!/usr/bin/env node
// The `deskops` executable: tsx's ESM loader compiles the TypeScript sources as they are imported.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli.ts');
process.exitCode = await runCli(process.argv);
