// Panel shapes used across the dashboards. Each takes a title, a description and a unit, so no
// panel can be added without saying what it shows and in what unit (the reference test checks it).
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import {
  BarGaugeDisplayMode,
  BigValueGraphMode,
  GraphDrawStyle,
  ReduceDataOptionsBuilder,
  StackingConfigBuilder,
  StackingMode,
  VizOrientation,
} from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import { PanelBuilder as PieChartPanel } from '@grafana/grafana-foundation-sdk/piechart';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { PieChartType } from '@grafana/grafana-foundation-sdk/piechart';

export interface PanelText {
  title: string;
  description: string;
  /** A Grafana unit id: `short`, `percentunit`, `ms`, `s`, `bytes`, `cps`... */
  unit: string;
  /** Width in grid columns (24 is the full row). */
  width?: number;
  height?: number;
}

type Query = cog.Builder<cog.Dataquery>;

export function stat(text: PanelText, query: Query): StatPanel {
  return new StatPanel()
    .title(text.title)
    .description(text.description)
    .unit(text.unit)
    .span(text.width ?? 6)
    .height(text.height ?? 4)
    .graphMode(BigValueGraphMode.None)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .withTarget(query);
}

export function timeSeries(text: PanelText, ...queries: Query[]): TimeSeriesPanel {
  const panel = new TimeSeriesPanel()
    .title(text.title)
    .description(text.description)
    .unit(text.unit)
    .span(text.width ?? 12)
    .height(text.height ?? 8)
    .fillOpacity(10);
  for (const query of queries) panel.withTarget(query);
  return panel;
}

/** Stacked bars per time bucket: counts that add up (events by type, clicks by object). */
export function stackedBars(text: PanelText, query: Query): TimeSeriesPanel {
  return timeSeries(text, query)
    .drawStyle(GraphDrawStyle.Bars)
    .fillOpacity(80)
    .stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
}

export function table(text: PanelText, query: Query): TablePanel {
  return new TablePanel()
    .title(text.title)
    .description(text.description)
    .unit(text.unit)
    .span(text.width ?? 12)
    .height(text.height ?? 8)
    .withTarget(query);
}

/** Horizontal bars, one per row of a table result (top pages, top objects). */
export function ranking(text: PanelText, query: Query): BarGaugePanel {
  return horizontalBars(text, query, new ReduceDataOptionsBuilder().values(true).calcs([]).limit(20));
}

export function pie(text: PanelText, query: Query): PieChartPanel {
  return new PieChartPanel()
    .title(text.title)
    .description(text.description)
    .unit(text.unit)
    .span(text.width ?? 6)
    .height(text.height ?? 8)
    .pieType(PieChartType.Donut)
    .reduceOptions(new ReduceDataOptionsBuilder().values(true).calcs([]))
    .withTarget(query);
}

/** Horizontal bars, one per series, each the series' last value (an instant query's one point). */
export function seriesRanking(text: PanelText, query: Query): BarGaugePanel {
  return horizontalBars(text, query, new ReduceDataOptionsBuilder().values(false).calcs(['lastNotNull']));
}

function horizontalBars(text: PanelText, query: Query, reduce: ReduceDataOptionsBuilder): BarGaugePanel {
  return new BarGaugePanel()
    .title(text.title)
    .description(text.description)
    .unit(text.unit)
    .span(text.width ?? 12)
    .height(text.height ?? 8)
    .orientation(VizOrientation.Horizontal)
    .displayMode(BarGaugeDisplayMode.Basic)
    .reduceOptions(reduce)
    .withTarget(query);
}
