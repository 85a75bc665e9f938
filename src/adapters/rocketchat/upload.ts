/** Charts into Rocket.Chat: the reply's chart rendered to PNG (by the engine: drawing is CPU work) and sent with rooms.upload, beside the message. */
import type { EnginePort } from '../../engine/port.js';
import type { Logger } from '../../log.js';
import type { Reply } from '../../views/reply.js';
import type { RocketChatRest } from './rest.js';

/**
 * Uploads `reply.chart` (if any) to room `rid`, in thread `tmid`. The message went out already, so a
 * failed upload is logged, not thrown: posting the message again would repeat it.
 */
export async function uploadReplyChart(rest: RocketChatRest, charts: Pick<EnginePort, 'renderChart'>, reply: Reply, rid: string, tmid: string | undefined, logger: Logger): Promise<boolean> {
  if (!reply.chart || !rest.uploadFile) return false;
  try {
    await rest.uploadFile(rid, { data: Buffer.from(await charts.renderChart(reply.chart)), filename: reply.chart.filename, contentType: 'image/png', description: reply.chart.alt, ...(tmid ? { tmid } : {}) });
    return true;
  } catch (error) {
    logger.warn({ err: error, rid, chart: reply.chart.filename }, 'the chart could not be uploaded to Rocket.Chat; the message went out without it');
    return false;
  }
}
