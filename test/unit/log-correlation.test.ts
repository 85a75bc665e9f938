import { describe, expect, it } from 'vitest';
import { ConfigError, configSecrets, loadConfig } from '../../src/config.js';
import { correlationFields, correlationId, createLogger, REDACTED, scrubSecrets, withCorrelation } from '../../src/log.js';

function capture(secrets: string[] = []) {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void (raw.push(line), lines.push(JSON.parse(line) as Record<string, unknown>)) }, { secrets });
  return { logger, lines, raw };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('correlation', () => {
  it('adds the context fields to every line written inside, across awaits', async () => {
    const { logger, lines } = capture();
    await withCorrelation({ requestId: 'req-1' }, async () => {
      logger.info('before');
      await pause(1);
      logger.info({ extra: 1 }, 'after');
    });
    logger.info('outside');
    expect(lines.map((line) => [line.msg, line.requestId])).toEqual([
      ['before', 'req-1'],
      ['after', 'req-1'],
      ['outside', undefined],
    ]);
  });

  it('keeps two concurrent requests apart', async () => {
    const { logger, lines } = capture();
    const request = (id: string, delays: number[]) =>
      withCorrelation({ requestId: id }, async () => {
        for (const [step, delay] of delays.entries()) {
          await pause(delay);
          logger.info({ step, expected: id }, 'step');
        }
        return correlationId();
      });
    const ids = await Promise.all([request('aaaa1111', [3, 1, 4, 1]), request('bbbb2222', [1, 5, 1, 2])]);
    expect(ids).toEqual(['aaaa1111', 'bbbb2222']);
    expect(lines).toHaveLength(8);
    for (const line of lines) expect(line.requestId).toBe(line.expected);
    // They really interleaved.
    expect(new Set(lines.slice(0, 4).map((line) => line.requestId)).size).toBe(2);
  });

  it('nests: inner fields add to the outer ones', () => {
    withCorrelation({ job: 'sla-watch', runId: 'run-1' }, () => {
      expect(correlationId()).toBe('run-1');
      withCorrelation({ batch: 'b1' }, () => expect(correlationFields()).toEqual({ job: 'sla-watch', runId: 'run-1', batch: 'b1' }));
      withCorrelation({ requestId: 'req-9' }, () => expect(correlationId()).toBe('req-9'));
    });
    expect(correlationFields()).toEqual({});
  });

  it('gives a fresh id outside any context', () => {
    const a = correlationId();
    const b = correlationId();
    expect(a).toMatch(/^[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });

  it('a field passed to the log call wins over the context', () => {
    const { logger, lines } = capture();
    withCorrelation({ requestId: 'ctx' }, () => logger.info({ requestId: 'explicit' }, 'x'));
    expect(lines[0]?.requestId).toBe('explicit');
  });
});

describe('secrets in logs', () => {
  it('redacts secret keys at any of the first three levels', () => {
    const { logger, raw } = capture();
    logger.info({ token: 't0p-1', config: { password: 'p4ss-1', nested: { authToken: 'auth-1', headers: { authorization: 'Bearer z' } } }, headers: { 'x-auth-token': 'xat-1' } }, 'x');
    for (const secret of ['t0p-1', 'p4ss-1', 'auth-1', 'xat-1']) expect(raw.join('')).not.toContain(secret);
    expect(raw.join('')).toContain(REDACTED);
  });

  it('scrubs configured secret values and token shapes wherever they appear', () => {
    const { logger, raw } = capture(['hooks-secret-value-42']);
    logger.error({ err: new Error('POST https://pager.example/hook?key=hooks-secret-value-42 failed') }, 'page failed');
    logger.warn({ detail: 'sent xoxb-1111-2222-abcdef and xapp-1-A0-99-ff; Authorization: Bearer abcdefghijklmnop' }, 'w');
    const text = raw.join('');
    expect(text).not.toContain('hooks-secret-value-42');
    expect(text).not.toMatch(/xoxb-1111|xapp-1-A0|abcdefghijklmnop/);
    expect(scrubSecrets('a%20b hooks%2Fsecret', ['hooks/secret'])).toBe(`a%20b ${REDACTED}`);
    // A URL goes whole, not as a URL with its key cut out.
    expect(scrubSecrets('POST https://pager.example/hook?key=abcdefgh1 failed', ['abcdefgh1', 'https://pager.example/hook?key=abcdefgh1'])).toBe(`POST ${REDACTED} failed`);
  });
});

describe('secrets in configuration', () => {
  it('never echoes a secret variable in a configuration error', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxp-user-token-not-a-bot-1234', SLACK_SIGNING_SECRET: 'whatever-secret' })).toThrow(ConfigError);
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'xoxp-user-token-not-a-bot-1234', DESKOPS_PAGE_WEBHOOK: 'ftp://pager/?key=hidden-key-123456' });
    } catch (error) {
      const text = (error as ConfigError).message;
      expect(text).toContain('SLACK_BOT_TOKEN=(value hidden)');
      expect(text).toContain('DESKOPS_PAGE_WEBHOOK=(value hidden)');
      expect(text).not.toMatch(/xoxp-user-token|hidden-key-123456/);
    }
  });

  it('lists every secret value of a configuration, the webhook URL and its query values included', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1-secret-bot',
      SLACK_SIGNING_SECRET: 'signing-secret-1',
      ROCKETCHAT_URL: 'http://chat.example',
      ROCKETCHAT_USER: 'bot',
      ROCKETCHAT_PASSWORD: 'rc-password-1',
      DESKOPS_PAGE_WEBHOOK: 'https://pager.example/hook?routing_key=page-key-123456',
    });
    expect(configSecrets(config)).toEqual(
      expect.arrayContaining(['xoxb-1-secret-bot', 'signing-secret-1', 'rc-password-1', 'https://pager.example/hook?routing_key=page-key-123456', 'page-key-123456']),
    );
  });
});
