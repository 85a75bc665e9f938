/**
 * /report and its charts: SLA compliance per tier, known issues, tags; the chart rendered to a real
 * PNG (size checked, decoded, colours looked at), written by the shell, uploaded to Slack with
 * files.uploadV2 and to Rocket.Chat with rooms.upload; the weekly digest carries it.
 */
import { slackDepsWith } from '../../src/adapters/slack/start.js';
import { WebClient } from '@slack/web-api';
import { loadImage, createCanvas } from '@napi-rs/canvas';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withChartFile } from '../../src/adapters/shell/charts.js';
import { createRocketChatRest } from '../../src/adapters/rocketchat/rest.js';
import { uploadReplyChart as uploadToRocketChat } from '../../src/adapters/rocketchat/upload.js';
import { createSlackSink } from '../../src/adapters/slack/sink.js';
import { slaWeeks } from '../../src/app/reports.js';
import { slaWeeksChart } from '../../src/views/reports.js';
import { CHART_HEIGHT, CHART_WIDTH, renderChartPng } from '../../src/charts/render.js';
import { deliverDue } from '../../src/delivery/worker.js';
import { runWeeklyDigest } from '../../src/jobs/weekly-digest.js';
import { outbox } from '../../src/store/schema.js';
import { isReply } from '../../src/views/delivery.js';
import type { Reply } from '../../src/views/reply.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { startSlackApi, type SlackApiStandIn } from '../doubles/slack-api.js';
import { mapChannelsIn } from '../doubles/sink-fixtures.js';
import { selectRows } from '../doubles/db.js';

let desk: TestDesk;
beforeEach(() => {
  desk = createTestDesk({ now: '2026-11-02T10:00:00Z' });
  for (const user of ['alice', 'bob']) desk.run('/whoami', user);
});
afterEach(() => desk.dispose());

const ok = (text: string, user?: string) => {
  const reply = desk.run(text, user);
  expect(reply.tone, `${text}\n${replyText(reply).slice(0, 400)}`).not.toBe('error');
  return reply;
};

/** Three weeks of tickets: some answered fast (green), some left to go red in Triage. */
function history(): void {
  for (let week = 0; week < 3; week++) {
    desk.clock.set(new Date(Date.UTC(2026, 10, 2 + week * 7, 10)));
    ok(`/ticket new "Fast ${week}"`);
    const fast = week * 2 + 1;
    desk.clock.set(new Date(Date.UTC(2026, 10, 2 + week * 7, 10, 30)));
    ok(`/ticket reply ${fast} On it.`);
    ok(`/ticket status ${fast} resolved`);
    ok(`/ticket new "Slow ${week}"`);
    desk.clock.set(new Date(Date.UTC(2026, 10, 5 + week * 7, 10)));
    desk.run('/sla queue');
  }
}

async function decode(png: Buffer): Promise<{ width: number; height: number; colours: Set<string> }> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, image.width, image.height).data;
  const colours = new Set<string>();
  for (let i = 0; i < data.length; i += 4 * 7) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
  return { width: image.width, height: image.height, colours };
}

describe('/report sla', () => {
  it('counts bands per tier with shares, first-response and resolution times, and carries an 8-week chart', () => {
    history();
    const reply = ok('/report sla from:2026-11-01 to:2026-11-22');
    const text = replyText(reply);
    expect(text).toMatch(/Triage/);
    expect(text).toMatch(/First response: median 30 min, p90 30 min \(3\)/);
    expect(text).toMatch(/Resolution: median 30 min/);
    expect(reply.chart?.labels).toHaveLength(8);
    expect(reply.chart?.series.map((s) => s.label)).toEqual(['green', 'yellow', 'red', 'Triage % green']);
    expect(isReply(reply)).toBe(true);
    expect(desk.run('/report sla from:2026-12-01 to:2026-11-01').tone).toBe('error');
    expect(desk.run('/report sla from:yesterday').tone).toBe('error');
    expect(desk.run('/report tags tier:t1').tone).toBe('error');
  });

  it('renders the chart to a PNG of the right size that decodes and shows the band colours', async () => {
    history();
    const chart = slaWeeksChart(slaWeeks(desk.app, desk.clock.now()));
    const png = renderChartPng(chart);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.length).toBeGreaterThan(5_000);
    expect(png.length).toBeLessThan(500_000);
    const { width, height, colours } = await decode(png);
    expect([width, height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(colours.has('255,255,255')).toBe(true);
    expect(colours.has('46,125,50')).toBe(true);
  });
});

describe('/report known-issues and /report tags', () => {
  it('lists known issues with active and linked counts and a chart, and the process-tagged tickets', () => {
    ok('/ticket new "A"');
    ok('/ticket new "B"');
    ok('/known-issue new "Token cache" partner:ACME-1');
    ok('/known-issue link 1 1 2');
    ok('/ticket status 2 resolved');
    const ki = ok('/report known-issues');
    expect(replyText(ki)).toContain('1 active of 2');
    expect(replyText(ki)).toContain('ACME-1');
    expect(ki.chart?.horizontal).toBe(true);
    ok('/ticket tag 1 process:"Process Tweak"');
    expect(desk.say('/report tags')).toMatch(/#1\* A — process:"Process Tweak"/);
  });
});

describe('charts on every platform', () => {
  it('the shell writes the PNG beside the database and prints its path', async () => {
    history();
    const reply = await withChartFile(desk.engine, ok('/report sla'), join(desk.dir, 'charts'));
    const path = /Chart written to (\S+\.png)/.exec(reply.footer ?? '')?.[1];
    expect(path && existsSync(path)).toBe(true);
    expect(readFileSync(path!).subarray(1, 4).toString()).toBe('PNG');
  });

  it('the weekly digest carries the chart, and the Slack sink uploads it with files.uploadV2 into the post\'s thread', async () => {
    let api: SlackApiStandIn | undefined;
    try {
      api = await startSlackApi();
      const base = api.url.replace(/\/api\/$/, '');
      api.on('chat.postMessage', (call) => ({ ok: true, channel: call.args.channel, ts: '1700000000.000001' }));
      api.on('conversations.info', (call) => ({ ok: true, channel: { id: call.args.channel, name: 'leads', is_private: false } }));
      api.on('files.getUploadURLExternal', () => ({ ok: true, upload_url: `${base}/upload/F1`, file_id: 'F1' }));
      api.on('files.completeUploadExternal', () => ({ ok: true, files: [{ id: 'F1', title: 'chart' }] }));
      mapChannelsIn(desk.app, { 'role:leads': 'slack:C0LEADS' });
      history();
      desk.clock.set(new Date('2026-11-30T11:00:00Z'));
      const ctx = { ...desk.app, logger: pino({ level: 'silent' }) };
      expect(runWeeklyDigest(ctx, desk.clock.now()).queued).toBe(1);
      const row = selectRows(desk.app.store, outbox).find((r) => r.dedupeKey.startsWith('digest:'))!;
      expect((row.payload as Reply).chart?.title).toMatch(/SLA bands/);
      const sink = createSlackSink(
        slackDepsWith(desk.engine, { botToken: 'xoxb-test', signingSecret: 's', appToken: undefined, mode: 'http', prefixCommand: '/desk', botId: 'BBOT', botUserId: 'UBOT' }, new WebClient('xoxb-test', { slackApiUrl: api.url }), pino({ level: 'silent' }), desk.app.settings),
        { minIntervalMs: 0 },
      );
      await deliverDue(desk.engine, desk.clock.now(), sink);
      const [urlCall] = api.callsTo('files.getUploadURLExternal');
      expect(urlCall?.args.filename).toMatch(/^sla-8-weeks-.*\.png$/);
      expect(Number(urlCall?.args.length)).toBeGreaterThan(5_000);
      expect(api.calls.some((c) => c.method === '/upload/F1')).toBe(true);
      const [complete] = api.callsTo('files.completeUploadExternal');
      expect(complete?.args.channel_id).toBe('C0LEADS');
    } finally {
      await api?.close();
    }
  });

  it('Rocket.Chat gets the PNG with rooms.upload (multipart), in the thread', async () => {
    const seen: { url: string; form: FormData }[] = [];
    const fetchStub = (async (url: string, init: RequestInit) => {
      seen.push({ url: String(url), form: init.body as FormData });
      return new Response(JSON.stringify({ success: true }), { status: 200, headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    const rest = createRocketChatRest('http://rc.invalid', { userId: 'u', authToken: 't' }, { fetch: fetchStub });
    history();
    const reply = ok('/report sla');
    expect(await uploadToRocketChat(rest, desk.engine, reply, 'ROOM1', 'MSG1', pino({ level: 'silent' }))).toBe(true);
    expect(seen[0]!.url).toBe('http://rc.invalid/api/v1/rooms.upload/ROOM1');
    const file = seen[0]!.form.get('file') as File;
    expect(file.name).toMatch(/\.png$/);
    expect(Buffer.from(await file.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');
    expect(seen[0]!.form.get('tmid')).toBe('MSG1');
  });
});
