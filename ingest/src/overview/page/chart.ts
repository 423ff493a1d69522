// The main chart: one figure over the range, drawn by uPlot (MIT, from npm, served by this
// service). uPlot draws on a canvas and sizes its elements through the CSSOM, so it runs under
// the page's strict Content-Security-Policy; its stylesheet is bundled into ours.

import uPlot from 'uplot';
import { count } from './format.js';
import type { Metric, TimePoint } from './types.js';

const HEIGHT = 260;
const ACCENT = '#4f46e5';
const FILL = 'rgba(79, 70, 229, 0.12)';
const GRID = '#eef0f4';
const AXIS = '#6b7280';

export class Chart {
  #plot: uPlot | undefined;
  #metric: Metric | undefined;
  #step = 0;

  constructor(private readonly container: HTMLElement) {
    // Follow the container's width (window resizes, the grid reflowing).
    new ResizeObserver(() => this.#plot?.setSize({ width: this.#width(), height: HEIGHT })).observe(container);
  }

  draw(points: TimePoint[], metric: Metric, label: string, stepSeconds: number): void {
    const data: uPlot.AlignedData = [points.map((point) => point.time), points.map((point) => point[metric])];
    if (this.#plot && this.#metric === metric && this.#step === stepSeconds) {
      this.#plot.setData(data);
      return;
    }
    this.#plot?.destroy();
    this.#metric = metric;
    this.#step = stepSeconds;
    this.#plot = new uPlot(this.#options(label, stepSeconds), data, this.container);
  }

  #width(): number {
    return Math.max(280, this.container.clientWidth);
  }

  #options(label: string, stepSeconds: number): uPlot.Options {
    const daily = stepSeconds >= 86_400;
    return {
      width: this.#width(),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 8, fill: ACCENT } },
      scales: { x: { time: true }, y: { range: (_plot, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
      axes: [
        {
          stroke: AXIS,
          grid: { show: false },
          ticks: { stroke: GRID },
          values: daily ? '{D} {MMM}' : undefined,
        },
        {
          stroke: AXIS,
          grid: { stroke: GRID, width: 1 },
          ticks: { show: false },
          size: 48,
          values: (_plot, ticks) => ticks.map((tick) => count(tick)),
        },
      ],
      series: [
        {},
        {
          label,
          stroke: ACCENT,
          width: 2,
          fill: FILL,
          points: { show: false },
          value: (_plot, value) => (value === null ? '–' : count(value)),
        },
      ],
    };
  }
}
