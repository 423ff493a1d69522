// The traffic alerts the ingest service raises itself (its `alerts` table, migration 0029), beside
// Grafana's own rules: what fires now and what fired in the time range, as its overview page lists them.
import { clickhouseSql } from '../clickhouse-query.js';
import { siteIs } from './common.js';
import { table } from './panels.js';

export function serviceAlertsPanel() {
  return table(
    {
      title: "The service's traffic alerts",
      description:
        'Traffic alerts the ingest service raised itself for the site (its alerts table): those still firing, and those that started or resolved in the time range, firing first, newest first. Observed and expected are events a minute when it fired; notified is the last message its webhook took. The newest write of each alert counts (FINAL), as the service reads it.',
      unit: 'short',
      width: 24,
      height: 8,
    },
    clickhouseSql(`
      SELECT if(resolved_at IS NULL, 'firing', 'resolved') AS state, toString(rule) AS rule, started_at, resolved_at,
        observed, expected, toString(notified) AS notified
      FROM alerts FINAL
      WHERE ${siteIs()} AND (resolved_at IS NULL OR $__timeFilter(resolved_at) OR $__timeFilter(started_at))
      ORDER BY resolved_at IS NULL DESC, started_at DESC, rule
      LIMIT 50
    `),
  ).overrideByName('started_at', [{ id: 'unit', value: 'dateTimeAsIso' }]);
}
