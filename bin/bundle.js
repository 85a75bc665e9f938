// Bundles deskops' TypeScript sources with esbuild into node_modules/.cache/deskops/<key>/: the
// command line (cli.mjs) and the engine's worker thread (engine.mjs). The key is a hash of every
// source file's path, size and modification time, so a change rebuilds once and an unchanged tree
// starts from the cached bundle with plain `node`: no TypeScript loader thread (tsx's costs about
// 30 MiB and compiles every file at each start) in the process or in its engine threads.
// Concurrent builds (parallel tests, two starts) write to their own folder and rename it into place.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

/** The project root: the folder above bin/. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'deskops');
/** Bump when the build options change. */
const BUILD_VERSION = 2;
/** Bundles of older source versions kept besides the newest (a running process may still use one). */
const KEEP = 3;

/** Every file under `dir`, recursively, as [relative path, size, mtime] (sorted, so the hash is stable). */
function sourceFiles(dir, prefix = '') {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    const rel = `${prefix}${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(path, `${rel}/`));
    else if (entry.isFile()) {
      const stat = statSync(path);
      out.push(`${rel}:${stat.size}:${Math.round(stat.mtimeMs)}`);
    }
  }
  return out;
}

/** The cache key of the sources as they are now. */
export function bundleKey() {
  const hash = createHash('sha256').update(`v${BUILD_VERSION}:${process.version}\n`);
  for (const line of sourceFiles(join(ROOT, 'src'), 'src/')) hash.update(`${line}\n`);
  const self = statSync(fileURLToPath(import.meta.url));
  hash.update(`bin/bundle.js:${self.size}:${Math.round(self.mtimeMs)}`);
  return hash.digest('hex').slice(0, 16);
}

/** Removes all but the newest KEEP bundles (and failed builds' leftovers). */
function prune(current) {
  let entries;
  try {
    entries = readdirSync(CACHE, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== current);
  } catch {
    return;
  }
  const dated = entries.map((e) => ({ name: e.name, at: statSync(join(CACHE, e.name)).mtimeMs })).sort((a, b) => b.at - a.at);
  for (const old of dated.filter((e) => e.name.includes('.tmp-') || dated.indexOf(e) >= KEEP)) {
    // A temporary folder younger than a minute may be another process's build in progress.
    if (old.name.includes('.tmp-') && Date.now() - old.at < 60_000) continue;
    rmSync(join(CACHE, old.name), { recursive: true, force: true });
  }
}

/**
 * The folder holding cli.mjs and engine.mjs for the current sources, built first when missing.
 * Resolves with `{ dir, built, ms }`; rejects when esbuild is missing or the build fails.
 */
export async function ensureBundle() {
  const started = performance.now();
  const key = bundleKey();
  const dir = join(CACHE, key);
  if (existsSync(join(dir, 'engine.mjs')) && existsSync(join(dir, 'cli.mjs'))) return { dir, built: false, ms: performance.now() - started };
  const { build } = await import('esbuild');
  mkdirSync(CACHE, { recursive: true });
  const temporary = `${dir}.tmp-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  await build({
    entryPoints: { cli: join(ROOT, 'src', 'cli.ts'), engine: join(ROOT, 'src', 'engine', 'worker.ts') },
    outdir: temporary,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Shared code in chunks, each dynamic import its own: a package is loaded when the code that
    // imports it is (an ESM bundle hoists package imports, so one file would load them all at start).
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Packages stay in node_modules, loaded as they are (better-sqlite3's native module among them).
    packages: 'external',
    logLevel: 'warning',
  });
  try {
    renameSync(temporary, dir);
  } catch (error) {
    // Another process finished the same build first: theirs is as good as ours.
    rmSync(temporary, { recursive: true, force: true });
    if (!existsSync(join(dir, 'engine.mjs'))) throw error;
  }
  prune(key);
  return { dir, built: true, ms: performance.now() - started };
}
