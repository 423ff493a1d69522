// What the five dashboards share: the site and page variables, the SQL fragments that apply
// them, and the finishing touches every dashboard gets the same way.
import {
  AnnotationQueryBuilder,
  CustomVariableBuilder,
  DashboardBuilder,
  DashboardCursorSync,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { Catalog } from '../catalog.js';
import { clickhouseSql } from '../clickhouse-query.js';
import { clickhouse } from '../datasources.js';

// `:sqlstring` makes Grafana quote and escape the value, so a page path can never break the SQL.
export const SITE_SQL = '${site:sqlstring}';
export const PAGE_SQL = '${page:sqlstring}';

/** `site = '<chosen site>'` for any table with a `site` column. */
export const siteIs = (column = 'site'): string => `${column} = ${SITE_SQL}`;

/**
 * `path IN ('<chosen page>', ...)`. "All" expands to every page the variable found, quoted the
 * same way, so one form covers one, several and all pages.
 */
export const pageIs = (column = 'path'): string => `${column} IN (${PAGE_SQL})`;

/** Sites come from the catalog: the ingest service refuses any other, so the list is complete. */
export function siteVariable(catalog: Catalog): CustomVariableBuilder {
  const sites = catalog.sites.map((site) => site.id);
  const first = sites[0] ?? 'portfolio';
  return new CustomVariableBuilder('site')
    .label('Site')
    .description('The catalog site the panels show')
    .values(sites.join(','))
    .current({ text: first, value: first });
}

export function pageVariable(): QueryVariableBuilder {
  return new QueryVariableBuilder('page')
    .label('Page')
    .description('Limit page-level panels to one path')
    .datasource(clickhouse)
    .query({
      editorType: 'sql',
      format: 1,
      queryType: 'table',
      rawSql: `SELECT DISTINCT path FROM events_per_minute WHERE ${siteIs()} AND $__timeFilter(minute) AND path != '' ORDER BY path`,
    })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .current({ text: 'All', value: '$__all' });
}

/**
 * The owner's notes on the chosen site's timeline (the ingest service's `annotations` table,
 * written by POST /api/annotations): the same notes the overview page's chart marks.
 */
export function notesAnnotation(): AnnotationQueryBuilder {
  return new AnnotationQueryBuilder()
    .name('Notes')
    .datasource(clickhouse)
    .enable(true)
    .iconColor('#8b5cf6')
    .target(clickhouseSql(`SELECT at AS time, text FROM annotations WHERE ${siteIs()} AND $__timeFilter(at) ORDER BY at`));
}

export interface DashboardOptions {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  refresh?: string;
  from?: string;
}

export function newDashboard(options: DashboardOptions): DashboardBuilder {
  return new DashboardBuilder(options.title)
    .uid(options.uid)
    .description(options.description)
    .tags(['footfall', ...options.tags])
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh(options.refresh ?? '1m')
    .time({ from: options.from ?? 'now-24h', to: 'now' })
    .annotation(notesAnnotation())
    .readonly();
}

/**
 * Panel ids are assigned here, in layout order, because the SDK leaves them unset and Grafana
 * needs them unique within a dashboard for links and "view panel".
 */
export function finishDashboard(builder: DashboardBuilder): Dashboard {
  const dashboard = builder.build();
  let id = 1;
  for (const panel of dashboard.panels ?? []) {
    panel.id = id++;
    for (const nested of 'panels' in panel && Array.isArray(panel.panels) ? panel.panels : []) nested.id = id++;
  }
  return dashboard;
}
