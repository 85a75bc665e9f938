/** vitest setup file of every test file: loads PostgreSQL's code on the PostgreSQL run (test-engine.ts). */
import { loadTestEngine } from './test-engine.js';

await loadTestEngine();
