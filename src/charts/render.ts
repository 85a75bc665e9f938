/**
 * Charts to PNG on the server: Chart.js drawing on @napi-rs/canvas (Skia, a prebuilt binary inside
 * the npm package; no browser, no download at run time). Fonts are the system's (DejaVu on Debian).
 */
import { createCanvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type ChartDataset, type Plugin } from 'chart.js';
import type { ReplyChart } from '../views/reply.js';

Chart.register(...registerables);

export const CHART_WIDTH = 960;
export const CHART_HEIGHT = 480;

/** Paints the background white: a transparent PNG reads badly on a dark chat theme. */
const whiteBackground: Plugin = {
  id: 'deskops-background',
  beforeDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

function configuration(spec: ReplyChart): ChartConfiguration {
  const hasRight = spec.series.some((s) => s.axis === 'right');
  const datasets = spec.series.map((series) => {
    const type = series.type ?? spec.kind;
    const base = { label: series.label, data: series.values, backgroundColor: series.color, borderColor: series.color, yAxisID: series.axis === 'right' ? 'right' : 'y' };
    return type === 'line'
      ? { ...base, type: 'line' as const, borderWidth: 3, pointRadius: 4, spanGaps: true, fill: false, order: 0 }
      : { ...base, type: 'bar' as const, order: 1, ...(spec.stacked ? { stack: 'bands' } : {}) };
  }) as ChartDataset[];
  const valueAxis = { beginAtZero: true, stacked: spec.stacked ?? false, title: { display: spec.leftLabel !== undefined, text: spec.leftLabel ?? '' }, ticks: { precision: 0 } };
  const categoryAxis = { stacked: spec.stacked ?? false, ticks: { autoSkip: false, maxRotation: spec.horizontal ? 0 : 30 } };
  return {
    type: spec.kind,
    data: { labels: spec.labels, datasets },
    options: {
      responsive: false,
      animation: false,
      devicePixelRatio: 1,
      indexAxis: spec.horizontal ? 'y' : 'x',
      plugins: { title: { display: true, text: spec.title, font: { size: 18 } }, legend: { position: 'bottom' } },
      scales: spec.horizontal
        ? { x: valueAxis, y: categoryAxis }
        : {
            x: categoryAxis,
            y: valueAxis,
            ...(hasRight ? { right: { position: 'right' as const, min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: spec.rightLabel ?? '%' } } } : {}),
          },
    },
    plugins: [whiteBackground],
  } as ChartConfiguration;
}

/** The chart as a PNG image, CHART_WIDTH x CHART_HEIGHT pixels. */
export function renderChartPng(spec: ReplyChart): Buffer {
  const height = spec.horizontal ? Math.max(CHART_HEIGHT, 120 + 36 * spec.labels.length) : CHART_HEIGHT;
  const canvas = createCanvas(CHART_WIDTH, Math.min(height, 2_000));
  // Chart.js takes any object with getContext('2d'); Skia's canvas has one.
  const chart = new Chart(canvas as unknown as ConstructorParameters<typeof Chart>[0], configuration(spec));
  try {
    return canvas.toBuffer('image/png');
  } finally {
    chart.destroy();
  }
}
