/** The page webhook against a loopback HTTP server: what it sends, and how each answer is classified. */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DeliveryError, type OutboxRow } from '../../src/delivery/sink.js';
import { createWebhookSink, parseRetryAfter } from '../../src/delivery/webhook-sink.js';

interface Received {
  method: string | undefined;
  headers: IncomingMessage['headers'];
  body: unknown;
}

let server: Server;
let url: string;
let received: Received[];
let answer: (response: ServerResponse) => void;

beforeEach(async () => {
  received = [];
  answer = (response) => response.writeHead(202).end();
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ method: request.method, headers: request.headers, body: JSON.parse(body) as unknown });
      answer(response);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`;
});

afterEach(async () => {
  server.close();
  await once(server, 'close');
});

const rows = [{ dedupeKey: 'oncall-page:7' } as OutboxRow];
const page = { event: 'deskops.page', dedupe_key: 'deskops-oncall-7', step: 'paged' };

async function failureOf(promise: Promise<void>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe('webhook sink', () => {
  it('POSTs the body as JSON with the row dedupe key as Idempotency-Key', async () => {
    await createWebhookSink({ url }).post('webhook:page', page, rows);
    expect(received).toEqual([{ method: 'POST', headers: expect.objectContaining({ 'content-type': 'application/json', 'idempotency-key': 'oncall-page:7' }), body: page }]);
  });

  it('retries 429 and 5xx, honouring Retry-After', async () => {
    answer = (response) => response.writeHead(429, { 'retry-after': '7' }).end();
    const limited = await failureOf(createWebhookSink({ url }).post('webhook:page', page, rows));
    expect(limited).toMatchObject({ retryAfterMs: 7000, permanent: false, drop: false });
    expect(limited.message).toContain('429');

    answer = (response) => response.writeHead(503).end('down');
    expect(await failureOf(createWebhookSink({ url }).post('webhook:page', page, rows))).toMatchObject({ retryAfterMs: undefined, permanent: false });
  });

  it('fails other 4xx permanently', async () => {
    answer = (response) => response.writeHead(400).end('{"error":"bad key"}');
    expect(await failureOf(createWebhookSink({ url }).post('webhook:page', page, rows))).toMatchObject({ permanent: true });
  });

  it('retries when the endpoint cannot be reached or times out', async () => {
    const timedOut = () => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    expect(await failureOf(createWebhookSink({ url, fetch: timedOut }).post('webhook:page', page, rows))).toMatchObject({ permanent: false, drop: false });
  });

  it('drops the rows when no webhook is configured', async () => {
    expect(await failureOf(createWebhookSink({ url: undefined }).post('webhook:page', page, rows))).toMatchObject({ drop: true, message: 'no webhook configured (DESKOPS_PAGE_WEBHOOK is not set)' });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = new Date('2026-03-02T09:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 02 Mar 2026 09:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('DESKOPS_PAGE_WEBHOOK', () => {
  it('is optional and must be an http(s) URL', () => {
    expect(loadConfig({}).pageWebhookUrl).toBeUndefined();
    expect(loadConfig({ DESKOPS_PAGE_WEBHOOK: '' }).pageWebhookUrl).toBeUndefined();
    expect(loadConfig({ DESKOPS_PAGE_WEBHOOK: 'https://relay.example.com/hook' }).pageWebhookUrl).toBe('https://relay.example.com/hook');
    expect(() => loadConfig({ DESKOPS_PAGE_WEBHOOK: 'ftp://relay.example.com' })).toThrow(/DESKOPS_PAGE_WEBHOOK/);
  });
});
