/**
 * Mass mentions and control characters typed into anything deskops later shows: ticket titles,
 * descriptions, requesters, replies, notes, escalation questions, known issues, guard log entries,
 * people's handles. Every rendered output (shell text, Slack blocks and fallback text, Rocket.Chat
 * messages and attachments) of every command reply and of every outbox notification the jobs and
 * the delivery worker produce (coalesced ones, the on-call ladder, the digest) leaves them inert.
 */
import fc from 'fast-check';
import { checkAsyncProperty } from '../doubles/property.js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageLength, renderMessage, type RocketChatMessage } from '../../src/adapters/rocketchat/render.js';
import { renderBlocks, type SlackMessage } from '../../src/adapters/slack/render.js';
import { drainOutbox } from '../../src/delivery/worker.js';
import { ShellSink, postText, type ShellPost } from '../../src/delivery/shell-sink.js';
import { allJobs } from '../../src/jobs/index.js';
import { runJobsOnce } from '../../src/jobs/runs.js';
import { isReply } from '../../src/views/delivery.js';
import { renderText } from '../../src/views/render-text.js';
import type { Reply } from '../../src/views/reply.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';
import { LIVE_ROCKETCHAT_MASS_MENTION } from '../doubles/mentions.js';

const SEED = 1337;

/** What people type to ping everyone, on either platform, plus controls that could splice one together. */
const PINGS = [
  '<!channel>', '<!here>', '<!everyone>', '<!subteam^S0123|@support>', '<!here|here>', '<!date^1392734382^{date}|x>',
  '@channel', '@here', '@everyone', '@all', '@HERE', '@All', '@\u0000here', '@\u0007all', '@\u200bhere', '<\u0000!channel>', '@@all',
  '\u001b[2J', '\u001b]0;pwned\u0007', '\u009b31m', '\r', '\u0008\u0008', '\u0085', '\ud800',
];
const hostile = fc
  .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PINGS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), { minLength: 1, maxLength: 5 })
  .map((parts) => parts.join(' ').replace(/"/g, "'"))
  // Every piece of text needs something printable left once controls are gone.
  .map((text) => `x ${text}`);

/** A live mass mention in Slack mrkdwn or text: a <!…> token, or a bare @here/@channel/@everyone. */
const SLACK_PING = /<!|@(?:here|channel|everyone)/i;
// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;

let desk: TestDesk;
const posts: ShellPost[] = [];
const checked = { replies: 0, notifications: 0 };

beforeAll(() => {
  desk = createTestDesk();
  // People whose handles are mass-mention words: they get mentioned in notifications as themselves.
  for (const user of ['here', 'all', 'channel', 'everyone', 'alice']) desk.run('/whoami', user);
  for (const line of ['/people role @all lead', '/people tier @here t2', '/oncall rotation set @here @all', '/channel set helpdesk #helpdesk', '/channel set leads #leads']) {
    expect(desk.run(line).tone, line).not.toBe('error');
  }
});
afterAll(() => {
  desk.dispose();
  // The test is only as good as what it looked at.
  expect(checked.replies).toBeGreaterThan(400);
  expect(checked.notifications).toBeGreaterThan(40);
});

function slackTexts(message: SlackMessage): string {
  // Button values are commands sent back to deskops, never shown; everything else is.
  return JSON.stringify([message.text, message.blocks]).replace(/"value":"(?:[^"\\]|\\.)*"/g, '');
}

function rocketTexts(message: RocketChatMessage): string {
  return JSON.stringify([message.msg, ...message.attachments.map((a) => [a.title, a.text, a.fields, (a.actions ?? []).map((b) => b.text)])]);
}

/** Every platform's rendering of `reply`, with `handles` as the people it mentions. */
function expectInert(what: string, reply: Reply, handles: readonly string[] = []): void {
  const shell = renderText(reply, 'plain');
  expect(shell, what).not.toMatch(TERMINAL_CONTROL);
  const slack = renderBlocks(reply, { cc: handles.map((h) => h.replace(/^@/, '')) });
  expect(slackTexts(slack), what).not.toMatch(SLACK_PING);
  expect(slack.blocks.length, what).toBeLessThanOrEqual(50);
  const rocket = renderMessage(reply, { mentions: handles.map((h) => h.replace(/^@/, '')) });
  expect(rocketTexts(rocket), what).not.toMatch(LIVE_ROCKETCHAT_MASS_MENTION);
  expect(messageLength(rocket), what).toBeLessThanOrEqual(5000);
}

function run(text: string, user = 'lead'): Reply {
  const reply = desk.run(text, user);
  expectInert(`${user}: ${text}`, reply);
  checked.replies++;
  return reply;
}

/** Runs every job and delivers through the shell sink, as `:tick` does; checks each post on every platform. */
async function tick(): Promise<void> {
  const ctx = { ...desk.app, logger: pino({ level: 'silent' }) };
  const now = desk.clock.now();
  runJobsOnce(ctx, allJobs(), now);
  posts.length = 0;
  await drainOutbox(desk.engine, now, new ShellSink(desk.engine, (post) => void posts.push(post)));
  for (const post of posts) {
    expect(postText(post, 'plain'), post.channel).not.toMatch(TERMINAL_CONTROL);
    if (!isReply(post.message)) continue;
    const handles = (post.message.sections ?? []).flatMap((s) => s.lines).filter((l) => l.startsWith('cc ')).flatMap((l) => l.slice(3).split(' '));
    expectInert(`notification to ${post.channel}`, post.message, handles);
    checked.notifications++;
  }
}

describe('mass mentions and control characters through every render path', () => {
  it('stay inert in command replies and in every notification', async () => {
    let n = 0;
    await checkAsyncProperty(
      fc.asyncProperty(fc.tuple(hostile, hostile, hostile, hostile, hostile, hostile), async ([title, body, question, issue, log, requesterText]) => {
        n++;
        const created = run(`/ticket new "${title}" description:"${body}" requester:${requesterText.includes(' ') ? `"@${requesterText.split(' ')[1]}"` : '@here'}`, 'alice');
        const id = created.ticketId;
        if (id === undefined) return;
        run(`/ticket show ${id}`);
        run(`/ticket reply ${id} ${body}`, 'alice');
        run(`/ticket note ${id} ${question}`, 'here');
        run(`/ticket reply-as-requester ${id} ${body}`);
        run(`/ticket assign ${id} @here`);
        run(`/escalate ${id} to:t2 --force ${question} | ${body}`, 'alice');
        if (n % 3 === 0) run(`/escalate ${id} to:oncall --force major ${question}`, 'all');
        const ki = run(`/known-issue new "${issue}"`);
        const kiNumber = /KI-(\d+)/.exec(ki.title)?.[1];
        if (kiNumber) {
          run(`/known-issue link ${kiNumber} ${id}`);
          run(`/known-issue show ${kiNumber}`);
        }
        run(`/guard log loop ${log}`, 'all');
        run(`/oncall contacts set other ${log}`, 'here');
        run(`/ticket split ${id} "${title}"`, 'alice');
        run(`/ticket handoff ${id} engagement ${body}`, 'alice');
        run('/ticket list status:all');
        run('/sla queue');
        run('/known-issue list all');
        run('/guard show');
        run('/oncall');
        run('/oncall contacts @here');
        run('/people');
        // Time passes: SLA warnings, the ladder's page and call, status timers, the weekly digest.
        desk.clock.set(new Date(desk.clock.now().getTime() + 26 * 3_600_000));
        await tick();
        if (n % 4 === 0) {
          run('/guard digest preview');
          run('/guard digest', 'all');
          await tick();
        }
      }),
      { numRuns: 20, seed: SEED },
    );
  });
});
