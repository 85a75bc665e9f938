/**
 * A loopback stand-in for a paging relay (DESKOPS_PAGE_WEBHOOK): records every POST with its
 * Idempotency-Key, the path it came to (tests give each deskops process its own path, so a
 * delivery names its sender) and the instant it arrived, and answers 200 after an optional delay,
 * the window in which a crash leaves a page posted but not marked sent.
 */
import { closeNow, createBodyServer, listenOnLoopback } from './http-stand-in.js';

export interface PagePost {
  path: string;
  idempotencyKey: string;
  body: unknown;
  /** Wall-clock ms when the request had fully arrived. */
  at: number;
}

export interface PageReceiver {
  /** The base URL; append a path per sender (`${url}/r0`). */
  url: string;
  posts: PagePost[];
  /** How long the answer takes (ms), asked per POST; the POST is recorded before the wait. */
  answerDelayMs: (() => number) | undefined;
  /** Told about every POST as it arrives, before the answer. */
  onPost: ((post: PagePost) => void) | undefined;
  close(): Promise<void>;
}

export async function startPageReceiver(): Promise<PageReceiver> {
  const posts: PagePost[] = [];
  const receiver: PageReceiver = {
    url: '',
    posts,
    answerDelayMs: undefined,
    onPost: undefined,
    close: () => closeNow(server),
  };
  const server = createBodyServer((req, raw, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // Kept as text: the test's assertions say what was wrong with it.
    }
    const post: PagePost = { path: (req.url ?? '/').split('?')[0]!, idempotencyKey: String(req.headers['idempotency-key'] ?? ''), body, at: Date.now() };
    posts.push(post);
    receiver.onPost?.(post);
    const answer = () => {
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"success"}');
    };
    const delay = receiver.answerDelayMs?.() ?? 0;
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
  receiver.url = `http://127.0.0.1:${await listenOnLoopback(server)}`;
  return receiver;
}
