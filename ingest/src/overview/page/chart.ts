// The main chart: one figure over the period, and the compared period's beside it (dashed,
// muted; its n-th step under the current period's n-th), drawn by uPlot (MIT, from npm, served by this
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
const COMPARED = '#9ca3af';

/** A note on the timeline: a thin vertical line at its time, its text as the tooltip and a short label. */
export interface Marker {
  /** Epoch seconds. */
  time: number;
  text: string;
}

const DAY = 86_400;
/**
 * Where a chart by the day (or week, or month) may put its time labels: whole days, months and
 * years, as uPlot offers them (its months are 30 days, its years 365), never the hours between,
 * which would write one date two or three times over.
 */
const DAY_TICKS = [
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15].map((days) => days * DAY),
  ...[1, 2, 3, 4, 6].map((months) => months * 30 * DAY),
  ...[1, 2, 5, 10, 25, 50, 100].map((years) => years * 365 * DAY),
];
/** The least room between two time labels, px: the widest ("10:55pm", about 52 px) keeps a gap (uPlot's 50 let them touch). */
const TIME_LABEL_SPACE = 64;

/** The longest label over a marker; the whole text is its tooltip and the notes list's. */
const LABEL_CHARS = 18;

export class Chart {
  #plot: uPlot | undefined;
  #markers: Marker[] = [];
  #stepSeconds = 0;
  /** What the plot was built for (metric, step, comparison, zone): a change rebuilds it, else only the data changes. */
  #shape = '';

  constructor(private readonly container: HTMLElement) {
    // Follow the container's width (window resizes, the grid reflowing).
    new ResizeObserver(() => this.#plot?.setSize({ width: this.#width(), height: HEIGHT })).observe(container);
  }

  /** `compared`: the compared period's points and its name for the legend; null draws the current period alone. */
  draw(
    points: TimePoint[],
    metric: Metric,
    label: string,
    stepSeconds: number,
    compared: { points: TimePoint[]; label: string } | null,
    timeZone: string,
  ): void {
    const data: uPlot.AlignedData = [points.map((point) => point.time), points.map((point) => point[metric])];
    // Aligned by step: the compared period may have a step more or fewer (a 31-day month, a clock change).
    if (compared) data.push(points.map((_, index) => compared.points[index]?.[metric] ?? null));
    const comparedLabel = compared?.label ?? null;
    // How many lines are drawn, readable where the canvas is not (a test, an inspector).
    this.container.dataset.lines = String(data.length - 1);
    this.#stepSeconds = stepSeconds;
    const shape = JSON.stringify([metric, stepSeconds, comparedLabel, timeZone]);
    if (this.#plot && this.#shape === shape) {
      this.#plot.setData(data);
      return;
    }
    this.#plot?.destroy();
    this.#shape = shape;
    this.#plot = new uPlot(this.#options(label, stepSeconds, comparedLabel, timeZone), data, this.container);
  }

  /** Marks these notes on the chart (replacing those marked before); they follow every redraw. */
  mark(markers: Marker[]): void {
    this.#markers = markers;
    if (this.#plot) this.#placeMarkers(this.#plot);
  }

  /**
   * Puts a marker over the plot at each note's time inside the drawn period. A point stands for
   * its whole step, so a note in the last step (after its point) is marked at the plot's end.
   */
  #placeMarkers(plot: uPlot): void {
    for (const old of plot.over.querySelectorAll('.marker')) old.remove();
    const { min, max } = plot.scales.x ?? {};
    if (min === undefined || max === undefined) return;
    const width = plot.over.clientWidth;
    for (const marker of this.#markers) {
      if (marker.time < min || marker.time >= max + Math.max(this.#stepSeconds, 1)) continue;
      const left = plot.valToPos(Math.min(marker.time, max), 'x');
      const label = document.createElement('span');
      label.className = 'marker-label';
      label.textContent = marker.text.length > LABEL_CHARS ? `${marker.text.slice(0, LABEL_CHARS - 1)}…` : marker.text;
      const line = document.createElement('div');
      // Past the middle the label hangs to the line's left, so it never runs off the chart.
      line.className = left > width / 2 ? 'marker flip' : 'marker';
      line.title = marker.text;
      line.dataset.time = String(marker.time);
      line.style.left = `${left}px`;
      line.append(label);
      plot.over.append(line);
    }
  }

  #width(): number {
    return Math.max(280, this.container.clientWidth);
  }

  #options(label: string, stepSeconds: number, comparedLabel: string | null, timeZone: string): uPlot.Options {
    const daily = stepSeconds >= 86_400;
    return {
      // The axis reads the site's clock, not the browser's: the steps begin at the site's midnights.
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), timeZone),
      width: this.#width(),
      height: HEIGHT,
      legend: { show: false },
      // Markers are placed again after every redraw: new data, a new width.
      hooks: { draw: [(plot) => this.#placeMarkers(plot)] },
      cursor: { drag: { x: false, y: false }, points: { size: 8, fill: ACCENT } },
      scales: { x: { time: true }, y: { range: (_plot, _min, max) => [0, Math.max(4, Math.ceil(max * 1.15))] } },
      axes: [
        {
          stroke: AXIS,
          grid: { show: false },
          ticks: { stroke: GRID },
          space: TIME_LABEL_SPACE,
          incrs: daily ? DAY_TICKS : undefined,
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
        ...(comparedLabel === null
          ? []
          : [
              {
                label: `${label}, ${comparedLabel}`,
                stroke: COMPARED,
                width: 1.5,
                dash: [5, 4],
                points: { show: false },
                value: (_plot: uPlot, value: number | null) => (value === null ? '–' : count(value)),
              },
            ]),
      ],
    };
  }
}
