/** The weekly digest as a Reply for the leads' channel. */
import type { buildDigest } from '../domain/digest.js';
import { info, type Reply } from './reply.js';

export function digestReply(digest: ReturnType<typeof buildDigest>, visibility: Reply['visibility']): Reply {
  return info(digest.title, { visibility, text: `*${digest.summary}*`, sections: digest.sections });
}
