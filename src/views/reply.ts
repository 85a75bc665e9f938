/**
 * The platform-neutral reply model. Use cases and commands build these; each adapter renders
 * them (terminal text, Block Kit, Rocket.Chat attachments). Inline text uses a tiny markup
 * every platform understands: *bold*, _italic_ and `code`.
 */

export type Tone = 'success' | 'info' | 'warning' | 'error';

export interface ReplyField {
  label: string;
  value: string;
}

export interface ReplySection {
  heading?: string;
  lines: string[];
}

/** A button runs a command exactly as if the person had typed it. */
export interface ReplyButton {
  label: string;
  command: string;
  style?: 'primary' | 'danger';
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
}

type ReplyExtras = Omit<Reply, 'tone' | 'title' | 'visibility'> & { visibility?: Reply['visibility'] };

export function success(title: string, extras: ReplyExtras = {}): Reply {
  return { tone: 'success', visibility: 'channel', title, ...extras };
}

export function info(title: string, extras: ReplyExtras = {}): Reply {
  return { tone: 'info', visibility: 'ephemeral', title, ...extras };
}

export function warning(title: string, extras: ReplyExtras = {}): Reply {
  return { tone: 'warning', visibility: 'ephemeral', title, ...extras };
}

/** A refusal or mistake: the reason, and what to type instead. Always ephemeral. */
export function failure(reason: string, options: { hint?: string; usage?: string } = {}): Reply {
  const lines: string[] = [];
  if (options.hint) lines.push(options.hint);
  if (options.usage) lines.push(`Usage: ${options.usage}`);
  return {
    tone: 'error',
    visibility: 'ephemeral',
    title: reason,
    ...(lines.length > 0 ? { text: lines.join('\n') } : {}),
  };
}
