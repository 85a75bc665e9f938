/**
 * The shell's way of showing a chart: the PNG is written to a `charts` folder beside the database
 * and the reply gets a line with its path (a terminal cannot show the picture itself).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { EnginePort } from '../../engine/port.js';
import type { Reply } from '../../views/reply.js';

/** The folder charts are written to: `charts/` beside the database file. */
export function chartFolder(databaseFile: string): string {
  return join(dirname(resolve(databaseFile)), 'charts');
}

/** Writes the reply's chart (if any; drawn by the engine) as a PNG in `folder`; returns the reply with the path in its footer. */
export async function withChartFile(charts: Pick<EnginePort, 'renderChart'>, reply: Reply, folder: string): Promise<Reply> {
  if (!reply.chart) return reply;
  let line: string;
  try {
    mkdirSync(folder, { recursive: true });
    // The file name was checked to be a plain name (isReply); basename-only joins stay in the folder.
    const file = join(folder, reply.chart.filename);
    writeFileSync(file, await charts.renderChart(reply.chart));
    line = `Chart written to ${file}`;
  } catch (error) {
    line = `The chart could not be written to ${folder}: ${error instanceof Error ? error.message : String(error)}`;
  }
  return { ...reply, footer: reply.footer ? `${reply.footer}\n${line}` : line };
}
