/**
 * The App Home tab's view: my open tickets, my tier's queue by SLA time left, who is on call now and
 * next, and the known issues still open; a requester sees their own requests. Built where the
 * database is (the engine), as Block Kit data the adapter publishes.
 */
import type { types } from '@slack/bolt';
import { loadCalendar } from '../../../app/calendar.js';
import type { RequestContext } from '../../../app/context.js';
import { listKnownIssues } from '../../../app/known-issues.js';
import { currentOnCall } from '../../../app/oncall.js';
import { handleOf } from '../../../app/people.js';
import { viewerZone } from '../../../app/people-admin.js';
import { slaQueue } from '../../../app/sla.js';
import { listTickets } from '../../../app/ticket-queries.js';
import { formatBusinessDuration } from '../../../domain/sla.js';
import { KNOWN_ISSUE_STATUS_LABELS, TIER_LABELS } from '../../../domain/vocabulary.js';
import { onCallNowReply } from '../../../views/oncall.js';
import { ticketListLine } from '../../../views/ticket-card.js';
import { truncate } from '../../../domain/text.js';
import { escapeMrkdwn, truncateForSlack } from '../render.js';
import { plain } from './blocks.js';
import { HOME_LIST_LIMIT, HOME_NEW_TICKET_ACTION } from './home-constants.js';
import { requesterTickets } from '../../../app/requester-view.js';

/** Slack's limits: 100 blocks in a Home view, 3000 characters of section text. */
const MAX_BLOCKS = 100;
const MAX_SECTION_TEXT = 3000;

const BAND_ICONS = { green: '🟢', yellow: '🟡', red: '🔴' } as const;

/**
 * One section of lines under a bold heading, cut at a line boundary with "… N more" (and where
 * to see them) so Slack never rejects the view.
 */
export function listSection(heading: string, lines: readonly string[], total: number, more: string, empty: string): types.SectionBlock {
  const head = `*${escapeMrkdwn(heading)}*`;
  if (lines.length === 0) return { type: 'section', text: { type: 'mrkdwn', text: truncateForSlack(`${head}\n_${empty}_`, MAX_SECTION_TEXT) } };
  const moreLine = (n: number) => `_… ${n} more: ${more}_`;
  let text = head;
  let shown = 0;
  // Titles are user text: escaped, so a "<!here>" in one is shown, not sent.
  for (const line of lines.map(escapeMrkdwn)) {
    const hidden = total - shown - 1;
    const tail = hidden > 0 ? `\n${moreLine(hidden)}` : '';
    if (`${text}\n${line}${tail}`.length > MAX_SECTION_TEXT) break;
    text += `\n${line}`;
    shown++;
  }
  if (shown < total) text += `\n${moreLine(total - shown)}`;
  return { type: 'section', text: { type: 'mrkdwn', text: truncateForSlack(text, MAX_SECTION_TEXT) } };
}

/** "<@U123>" for people with a Slack identity (Slack shows their name), "@alice" otherwise. */
function slackName(ctx: RequestContext, personId: number | null): string {
  if (personId === null) return 'nobody';
  const slack = ctx.store.people.externalIdOn(personId, 'slack');
  return slack !== undefined ? `<@${slack}>` : (handleOf(ctx, personId) ?? 'nobody');
}

function myTickets(ctx: RequestContext): types.SectionBlock {
  const page = listTickets(ctx, { scope: 'mine' });
  const rows = page.rows.slice(0, HOME_LIST_LIMIT);
  return listSection(`Your open tickets (${page.total}${page.more ? '+' : ''})`, rows.map(ticketListLine), page.total, '/ticket list mine', 'Nothing assigned to you.');
}

function tierQueue(ctx: RequestContext): types.SectionBlock {
  const tier = (ctx.actor.kind === 'person' && ctx.actor.tier) || 'triage';
  const now = ctx.clock.now();
  const calendar = loadCalendar(ctx);
  const queue = slaQueue(ctx, now, tier);
  const lines = queue.slice(0, HOME_LIST_LIMIT).map(({ ticket, status }) => {
    const left = status.next ? `${formatBusinessDuration(status.next.leftMs, calendar)} to ${status.next.band}` : 'past red';
    const paused = status.running ? '' : ' (paused)';
    return `${BAND_ICONS[status.band]} *#${ticket.id}* ${left}${paused} — ${truncate(ticket.title, 120)}`;
  });
  return listSection(`${TIER_LABELS[tier]} queue by SLA time left (${queue.length})`, lines, queue.length, `/sla queue tier:${tier}`, 'The queue is empty.');
}

function onCall(ctx: RequestContext): types.SectionBlock {
  const reply = onCallNowReply(currentOnCall(ctx), ctx.clock.now(), { shown: viewerZone(ctx), team: ctx.settings.timeZone }, (id) => slackName(ctx, id));
  const lines = [reply.text ?? '', ...(reply.fields ?? []).map((f) => `${f.label}: ${f.value}`)].filter(Boolean);
  return listSection(reply.title, lines, lines.length, '/oncall', '');
}

function knownIssues(ctx: RequestContext): types.SectionBlock {
  const issues = listKnownIssues(ctx);
  const lines = issues.map((i) => `*${i.label}* ${truncate(i.title, 150)} — ${KNOWN_ISSUE_STATUS_LABELS[i.status]}, ${i.linkedCount} ticket${i.linkedCount === 1 ? '' : 's'}`);
  return listSection(`Known issues under investigation (${issues.length})`, lines.slice(0, HOME_LIST_LIMIT), issues.length, '/known-issue list', 'None open.');
}

/** A requester's Home: their own requests, what they can type, no staff lists. */
export function buildRequesterHome(ctx: RequestContext): types.HomeView {
  const rows = requesterTickets(ctx);
  const lines = rows.map((t) => `#${t.id} ${escapeMrkdwn(truncate(t.title, 150))} — ${t.status}`);
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: plain('Your requests', 150) },
      listSection(`Your requests (${rows.length})`, lines.slice(0, HOME_LIST_LIMIT), rows.length, '/ticket list', 'None yet: write your question to me in Messages, and the support team answers there.'),
    ],
  };
}

/** The Home view for the person behind `ctx`. */
export function buildHomeView(ctx: RequestContext): types.HomeView {
  if (ctx.actor.kind === 'person' && ctx.actor.role === 'requester') return buildRequesterHome(ctx);
  const sections = [myTickets(ctx), tierQueue(ctx), onCall(ctx), knownIssues(ctx)];
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: plain('deskops', 150) },
    { type: 'actions', elements: [{ type: 'button', action_id: HOME_NEW_TICKET_ACTION, text: plain('New ticket', 75), style: 'primary' }] },
    ...sections.flatMap((section): types.KnownBlock[] => [{ type: 'divider' }, section]),
  ];
  return { type: 'home', blocks: blocks.slice(0, MAX_BLOCKS) };
}
