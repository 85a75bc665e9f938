/**
 * A Reply as the mail the requester receives: plain text, and a simple HTML version in which
 * every character of the reply is escaped (no markup from anyone's text ever reaches the HTML).
 */
import { stripInvisible } from '../../views/inert.js';
import type { Reply } from '../../views/reply.js';

/** The body of one mail. */
export interface MailBody {
  text: string;
  html: string;
}

/** HTML-escapes text (the five characters that matter in element content and attribute values). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The paragraphs of a reply, top to bottom: its text, fields, sections; then the signature and footer. */
function parts(reply: Reply): { body: string[]; signature: string; footer: string | undefined } {
  const body: string[] = [];
  if (reply.text) body.push(reply.text);
  if (reply.fields && reply.fields.length > 0) body.push(reply.fields.map((field) => `${field.label}: ${field.value}`).join('\n'));
  for (const section of reply.sections ?? []) body.push([...(section.heading ? [section.heading] : []), ...section.lines].join('\n'));
  return { body: body.map(stripInvisible), signature: stripInvisible(reply.title), footer: reply.footer ? stripInvisible(reply.footer) : undefined };
}

/** The mail for `reply`: text, then "-- " and the signature (the agent's name, or "Support team"), then the request number. */
export function renderMail(reply: Reply): MailBody {
  const { body, signature, footer } = parts(reply);
  const text = [...body, `-- \n${signature}${footer ? `\n${footer}` : ''}`].join('\n\n');
  const paragraph = (value: string) => `<p>${escapeHtml(value).replace(/\n/g, '<br>\n')}</p>`;
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; font-size: 14px;">',
    ...body.map(paragraph),
    `<p style="color: #555;">${escapeHtml(signature)}${footer ? `<br>\n${escapeHtml(footer)}` : ''}</p>`,
    '</body></html>',
  ].join('\n');
  return { text, html };
}
