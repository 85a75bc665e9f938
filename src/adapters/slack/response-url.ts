/**
 * Answers on a request's response_url with a plain HTTP POST over kept-alive connections. Bolt's
 * own respond() goes through fetch (undici and web streams), which on the I/O thread cost about as
 * much per answer as Bolt's whole handling of the request (profiled at 600 commands/s); this does
 * the same POST with node:http and one agent. Like respond(), it rejects when Slack refuses.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RespondArguments, RespondFn } from '@slack/bolt';

/** How long an answer may take; Slack's response_url answers in milliseconds. */
const RESPONSE_TIMEOUT_MS = 10_000;

const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 64 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }) };

/** Slack refused an answer (an expired response_url, a rate limit): its status, as Bolt's RespondError carries it. */
export class ResponseUrlError extends Error {
  constructor(readonly status: number) {
    super(`Failed to respond to the response_url: ${status}`);
    this.name = 'ResponseUrlError';
  }
}

/** POSTs `message` as JSON to `url`; resolves once Slack answered 2xx. */
export function postToResponseUrl(url: string, message: string | RespondArguments): Promise<void> {
  const target = new URL(url);
  const body = JSON.stringify(typeof message === 'string' ? { text: message } : message);
  const secure = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: RESPONSE_TIMEOUT_MS,
      },
      (res) => {
        // Read and drop the body, so the connection goes back to the agent.
        res.resume();
        res.on('end', () => (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300 ? resolve() : reject(new ResponseUrlError(res.statusCode ?? 0))));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`response_url did not answer within ${RESPONSE_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The way to answer a request: its response_url through postToResponseUrl, else Bolt's respond(). */
export function responder(responseUrl: string | undefined, fallback: RespondFn): (message: string | RespondArguments) => Promise<unknown> {
  return responseUrl ? (message) => postToResponseUrl(responseUrl, message) : fallback;
}
