/** The weekly digest as a Reply for the leads' channel. */
import type { buildDigest } from '../domain/digest.js';
import { info, type Reply, type ReplyChart } from './reply.js';

/** The digest; the one posted to the leads carries the SLA chart of the 8 weeks up to it. */
export function digestReply(digest: ReturnType<typeof buildDigest>, visibility: Reply['visibility'], chart?: ReplyChart): Reply {
  const reply = info(digest.title, { visibility, text: `*${digest.summary}*`, sections: digest.sections });
  return chart ? { ...reply, chart } : reply;
}
