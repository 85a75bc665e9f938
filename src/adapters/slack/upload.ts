/** Charts into Slack: the reply's chart rendered to PNG (by the engine: drawing is CPU work) and shared with files.uploadV2 in the same conversation. */
import type { WebClient } from '@slack/web-api';
import type { EnginePort } from '../../engine/port.js';
import type { Logger } from '../../log.js';
import type { Reply } from '../../views/reply.js';

/**
 * Uploads `reply.chart` (if any) to `channel` (in `threadTs` when given). The message went out
 * already, so a failed upload is logged, not thrown: posting the message again would repeat it.
 * Needs the bot scope files:write (in the manifest).
 */
export async function uploadReplyChart(client: WebClient, charts: Pick<EnginePort, 'renderChart'>, reply: Reply, channel: string, threadTs: string | undefined, logger: Logger): Promise<boolean> {
  if (!reply.chart) return false;
  try {
    const file = { file: Buffer.from(await charts.renderChart(reply.chart)), filename: reply.chart.filename, title: reply.chart.title, alt_text: reply.chart.alt };
    await (threadTs ? client.files.uploadV2({ ...file, channel_id: channel, thread_ts: threadTs }) : client.files.uploadV2({ ...file, channel_id: channel }));
    return true;
  } catch (error) {
    logger.warn({ err: error, channel, chart: reply.chart.filename }, 'the chart could not be uploaded to Slack; the message went out without it');
    return false;
  }
}
