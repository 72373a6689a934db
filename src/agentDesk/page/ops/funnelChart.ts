import uPlot from 'uplot';

const HEIGHT = 260;
const BAR = '#0b4a8b';
const INK = '#1b2430';
const AXIS = '#5d6b7c';
const GRID = '#e5e9ef';
const FONT_PX = 12;
const FONT = `${FONT_PX}px system-ui, sans-serif`;
/** Counts are whole: the count axis steps by 1, 2 or 5 × 10ⁿ, never by halves. */
const WHOLE_STEPS = Array.from({ length: 10 }, (_, power) => [1, 2, 5].map((step) => step * 10 ** power)).flat();

export interface Bars {
  readonly labels: readonly string[];
  readonly counts: readonly number[];
  readonly format: (count: number) => string;
}

/**
 * One bar per stage, its count written above it, as wide as `container`. A canvas: the table
 * beside it carries the same numbers for screen readers and copying.
 */
export function drawFunnelChart(container: HTMLElement, { labels, counts, format }: Bars): uPlot {
  const stages = labels.map((_, index) => index);
  return new uPlot(
    {
      width: container.clientWidth,
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: {
        x: { time: false, range: [-0.5, labels.length - 0.5] },
        // Room above the tallest bar for its count.
        y: { range: (_chart, _min, max) => [0, Math.max(1, max) * 1.15] },
      },
      axes: [
        {
          stroke: AXIS,
          font: FONT,
          grid: { show: false },
          ticks: { show: false },
          splits: () => stages,
          values: (_chart, splits) => splits.map((index) => labels[index] ?? ''),
        },
        { stroke: AXIS, font: FONT, grid: { stroke: GRID }, incrs: WHOLE_STEPS, values: (_chart, splits) => splits.map(format) },
      ],
      series: [{}, { fill: BAR, stroke: BAR, paths: uPlot.paths.bars?.({ size: [0.6, 96] }), points: { show: false } }],
      hooks: { draw: [(chart) => writeCounts(chart, counts, format)] },
    },
    [stages, [...counts]],
    container,
  );
}

/** Each bar's count above it, in canvas pixels (the canvas is scaled by the device's pixel ratio). */
function writeCounts(chart: uPlot, counts: readonly number[], format: (count: number) => string): void {
  const { ctx } = chart;
  ctx.save();
  ctx.font = `600 ${FONT_PX * uPlot.pxRatio}px system-ui, sans-serif`;
  ctx.fillStyle = INK;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  counts.forEach((count, index) =>
    ctx.fillText(format(count), chart.valToPos(index, 'x', true), chart.valToPos(count, 'y', true) - 4 * uPlot.pxRatio),
  );
  ctx.restore();
}
