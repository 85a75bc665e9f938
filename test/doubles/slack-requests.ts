/**
 * Slack's side of an HTTP-mode conversation, for tests: request bodies in Slack's documented
 * shapes (slash command, block_actions) and v0 request signing.
 */
import { createHmac } from 'node:crypto';

/** `v0=` + hex HMAC-SHA256(secret, `v0:<timestamp>:<raw body>`), as Slack signs requests. */
export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Now, in the seconds Slack's timestamp header uses. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export interface SlashCommandFields {
  command: string;
  text: string;
  user_id?: string;
  user_name?: string;
  channel_id?: string;
  trigger_id?: string;
  response_url: string;
}

/** A slash command's application/x-www-form-urlencoded body, every field Slack sends. */
export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T1',
    team_domain: 'acme',
    channel_id: fields.channel_id ?? 'C0HELP',
    channel_name: 'helpdesk',
    user_id: fields.user_id ?? 'U0ALICE',
    user_name: fields.user_name ?? 'alice',
    command: fields.command,
    text: fields.text,
    api_app_id: 'A0DESK',
    is_enterprise_install: 'false',
    response_url: fields.response_url,
    trigger_id: fields.trigger_id ?? `${Date.now()}.1.${Math.random().toString(16).slice(2)}`,
  }).toString();
}

export interface ButtonPress {
  action_id: string;
  value: string;
  user_id: string;
  user_name: string;
  channel_id?: string;
  message_ts?: string;
  trigger_id: string;
  response_url: string;
}

/** A block_actions interaction body (form field `payload` holding the JSON), as Slack posts a button press. */
export function blockActionsBody(press: ButtonPress): string {
  const channel = press.channel_id ?? 'C0HELP';
  const ts = press.message_ts ?? '1763892000.000100';
  const payload = {
    type: 'block_actions',
    user: { id: press.user_id, username: press.user_name, name: press.user_name, team_id: 'T1' },
    api_app_id: 'A0DESK',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
    trigger_id: press.trigger_id,
    team: { id: 'T1', domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'helpdesk' },
    message: { type: 'message', ts, text: 'ticket card', user: 'UBOT' },
    response_url: press.response_url,
    actions: [
      {
        type: 'button',
        action_id: press.action_id,
        block_id: 'b1',
        text: { type: 'plain_text', text: 'Press', emoji: true },
        value: press.value,
        action_ts: `${nowSeconds()}.000200`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** POSTs `body` to an HTTP-mode deskops as Slack would, signed with `secret` unless headers say otherwise. */
export async function postToSlackEndpoint(
  url: string,
  body: string,
  options: { secret: string; timestamp?: number; signature?: string | null; headers?: Record<string, string>; omitTimestamp?: boolean },
): Promise<{ status: number; text: string; ms: number }> {
  const timestamp = options.timestamp ?? nowSeconds();
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...options.headers };
  if (!options.omitTimestamp) headers['x-slack-request-timestamp'] = String(timestamp);
  const signature = options.signature === undefined ? slackSignature(options.secret, timestamp, body) : options.signature;
  if (signature !== null) headers['x-slack-signature'] = signature;
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}
