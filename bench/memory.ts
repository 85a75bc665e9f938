/**
 * Resident size of a running app under test, from /proc/<pid>/status (VmRSS now, VmHWM the peak):
 * taken right after start (once ready and settled) and again after a burst of commands. The Slack
 * round trip takes both for deskops (HTTP mode, scheduler running, the 1M-ticket database) and for
 * the bare Bolt app, its load being the burst.
 */
import type { Child } from './child.js';

export interface MemoryFigures {
  app: string;
  afterStartMiB: number;
  afterBurstMiB: number;
  peakMiB: number;
  commands: number;
}

/** RSS once `child` has been ready and idle for `settleMs`. */
export async function memoryAfterStart(child: Child, settleMs = 1_000): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return child.memory().rssMiB;
}

/** The figures after `commands` commands went through `child`, once it settled for `settleMs`. */
export async function memoryAfterBurst(child: Child, afterStartMiB: number, commands: number, settleMs = 1_000): Promise<MemoryFigures> {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const { rssMiB, peakMiB } = child.memory();
  return { app: child.name, afterStartMiB, afterBurstMiB: rssMiB, peakMiB, commands };
}
