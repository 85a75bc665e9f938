/**
 * The platform-neutral reply model. The view modules beside this one build these, for commands'
 * answers and for the notices use cases queue in the outbox; each adapter renders them (terminal
 * text, Block Kit, Rocket.Chat attachments). Inline text uses a tiny markup every platform
 * understands: *bold*, _italic_ and `code`.
 */

import type { Audience } from '../domain/vocabulary.js';

export type Tone = 'success' | 'info' | 'warning' | 'error';

export interface ReplyField {
  label: string;
  value: string;
}

export interface ReplySection {
  heading?: string;
  lines: string[];
}

/**
 * A button runs a command exactly as if the person had typed it. One with `needs` is a template:
 * the command lacks a part only the person can give (`/escalate 42` needs `<question>`), so it is
 * shown as the command to complete (Slack opens a form where it has one) and never run as is.
 */
export interface ReplyButton {
  label: string;
  command: string;
  style?: 'primary' | 'danger';
  /** What the command still lacks, as it would be typed after it: '<question>', '<ticket>...'. */
  needs?: string;
}

/** The command to type: the button's command, with the missing part named when it is a template. */
export function buttonTemplate(button: Pick<ReplyButton, 'command' | 'needs'>): string {
  return button.needs ? `${button.command.trimEnd()} ${button.needs}` : button.command;
}

/**
 * A chart a reply carries as data (what to draw, not pixels): each adapter renders it to PNG
 * (src/charts/render.ts) and shows it its own way (Slack files.uploadV2, Rocket.Chat
 * rooms.upload, a file in the shell). The outbox keeps it as JSON like the rest of the reply.
 */
export interface ReplyChart {
  title: string;
  /** What the chart shows, in words: alt text, and the line that stands in where no image can go. */
  alt: string;
  /** A file name without folders, ending in .png. */
  filename: string;
  kind: 'bar' | 'line';
  /** Category labels along the x axis (weeks, known issues). */
  labels: string[];
  series: ReplyChartSeries[];
  /** Stack bar series on top of each other. */
  stacked?: boolean;
  /** The left axis' label; series with axis 'right' use rightLabel (0–100 %). */
  leftLabel?: string;
  rightLabel?: string;
  /** Horizontal bars (long category names such as known-issue titles). */
  horizontal?: boolean;
}

export interface ReplyChartSeries {
  label: string;
  values: (number | null)[];
  /** CSS colour, e.g. #2e7d32. */
  color: string;
  /** Draw this series as a line on a chart of bars. */
  type?: 'bar' | 'line';
  axis?: 'left' | 'right';
}

export interface Reply {
  tone: Tone;
  /** `ephemeral`: only the person who asked sees it (errors, usage, lists); `channel`: everyone. */
  visibility: 'ephemeral' | 'channel';
  /**
   * Who may read it, decided where it is built: `staff` (the default, failing closed) never
   * reaches a place a requester reads; `requester` is written for the requester (their own
   * ticket's status and public replies, the refusal of a staff command, a public reply).
   */
  audience: Audience;
  title: string;
  text?: string;
  fields?: ReplyField[];
  sections?: ReplySection[];
  buttons?: ReplyButton[];
  footer?: string;
  /** The ticket the reply is about, so adapters can thread it under that ticket. */
  ticketId?: number;
  /** A chart to show with the reply (rendered to PNG by each adapter). */
  chart?: ReplyChart;
  /**
   * Sent by deskops itself rather than written by a person (the Pending reminder, a receipt):
   * mail carries `Auto-Submitted: auto-replied`, so the other side's robots do not answer it.
   */
  automatic?: true;
}

type ReplyExtras = Omit<Reply, 'tone' | 'title' | 'visibility' | 'audience'> & { visibility?: Reply['visibility']; audience?: Audience };

export function success(title: string, extras: ReplyExtras = {}): Reply {
  return { tone: 'success', visibility: 'channel', audience: 'staff', title, ...extras };
}

export function info(title: string, extras: ReplyExtras = {}): Reply {
  return { tone: 'info', visibility: 'ephemeral', audience: 'staff', title, ...extras };
}

export function warning(title: string, extras: ReplyExtras = {}): Reply {
  return { tone: 'warning', visibility: 'ephemeral', audience: 'staff', title, ...extras };
}

/** A refusal or mistake: the reason, and what to type instead. Always ephemeral. */
export function failure(reason: string, options: { hint?: string; usage?: string; audience?: Audience } = {}): Reply {
  const lines: string[] = [];
  if (options.hint) lines.push(options.hint);
  if (options.usage) lines.push(`Usage: ${options.usage}`);
  return {
    tone: 'error',
    visibility: 'ephemeral',
    audience: options.audience ?? 'staff',
    title: reason,
    ...(lines.length > 0 ? { text: lines.join('\n') } : {}),
  };
}
