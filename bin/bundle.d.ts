/** Types for bin/bundle.js (plain JavaScript, so bin/deskops.js can use it without a TypeScript loader). */

/** The project root: the folder above bin/. */
export declare const ROOT: string;

/** The cache key of the sources as they are now (a hash of every file's path, size and modification time). */
export declare function bundleKey(): string;

/** The folder holding cli.mjs and engine.mjs for the current sources, built first when missing. */
export declare function ensureBundle(): Promise<{ dir: string; built: boolean; ms: number }>;
