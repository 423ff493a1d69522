import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESERVED_PROP_KEYS, RESERVED_PROPS } from '@footfall/contract';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../src/clickhouse/migrate.js';
import { keepDeclaredProps } from '../src/accept/declared-props.js';
import { Catalog } from '../src/catalog/catalog.js';
import { shapeField } from '../src/events/event-shape.js';
import { type Sender, toEventRow } from '../src/events/to-event-row.js';

// The tracker's own property keys (contract RESERVED_PROPS): kept on a site that declares its own
// keys, and `scroll_depth` checked at accept time as a whole percent.

const NOW = Date.UTC(2026, 0, 15, 12);
const catalog = new Catalog({
  sites: [{ id: 'portfolio', origins: ['https://portfolio.example'], rooms: [], props: ['plan'] }],
  eventTypes: ['page_view', 'time_spent'],
});
const sender: Sender = {
  source: 'beacon',
  site: undefined,
  visitorId: (site, session) => `visitor:${site}:${session}`,
  anonymise: false,
  device: 'desktop',
  browser: 'Chrome',
  os: 'Linux',
  country: 'NL',
  now: NOW,
};
const timeSpent = (props: Record<string, unknown>) => ({
  id: 'evt-00000001',
  type: 'time_spent',
  ts: NOW,
  session: 's1',
  path: '/',
  duration_ms: 4000,
  props,
});

describe('tracker-reserved property keys', () => {
  it('keeps scroll_depth on a site that declares its own keys, and drops the undeclared one', () => {
    const { row } = toEventRow(timeSpent({ [RESERVED_PROPS.scrollDepth]: 60, plan: 'pro', colour: 'red' }), catalog, sender);
    const { rows, dropped } = keepDeclaredProps([row!], catalog);
    expect(rows[0]!.props).toEqual({ scroll_depth: '60', plan: 'pro' });
    expect(dropped).toEqual([{ reason: 'undeclared_prop', value: 'colour', site: 'portfolio' }]);
  });

  it("keeps a hotspot click's keys on a site that declares its own keys", () => {
    // The keys ride on a time_spent here: this test's catalog lists no ui_click, and the rule is per key.
    const { row } = toEventRow(timeSpent({ selector: '#cv', tag: 'a', x: 10, y: 20, viewport: 'phone', colour: 'red' }), catalog, sender);
    const { rows, dropped } = keepDeclaredProps([row!], catalog);
    expect(rows[0]!.props).toEqual({ selector: '#cv', tag: 'a', x: '10', y: '20', viewport: 'phone' });
    expect(dropped).toEqual([{ reason: 'undeclared_prop', value: 'colour', site: 'portfolio' }]);
  });

  it.each([0, 100])('accepts scroll_depth %i', (depth) => {
    expect(toEventRow(timeSpent({ scroll_depth: depth }), catalog, sender).row?.props).toEqual({ scroll_depth: String(depth) });
  });

  it.each([101, -1, 50.5, '60', true])('refuses scroll_depth %j as invalid_field naming it', (depth) => {
    const event = timeSpent({ scroll_depth: depth });
    expect(toEventRow(event, catalog, sender)).toEqual({ reason: 'invalid_field' });
    expect(shapeField(event)).toBe('props/scroll_depth');
  });
});

describe('the rollups of properties', () => {
  it('leave out exactly the keys the tracker sends itself, in every migration that writes them', () => {
    // The keys are written into the SQL of the views and their fills (0071 and 0072): a key added to
    // the contract needs a migration of its own, or its values would become the site's properties.
    const files = readdirSync(MIGRATIONS_DIR).filter((name) => readFileSync(join(MIGRATIONS_DIR, name), 'utf8').includes("'prop'"));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const sql = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
      const lists = [...sql.matchAll(/key NOT IN \(([^)]*)\)/g)].map((match) =>
        match[1]!
          .split(',')
          .map((key) => key.trim().replaceAll("'", ''))
          .sort(),
      );
      expect(lists.length, file).toBe(2);
      for (const list of lists) expect(list, file).toEqual([...RESERVED_PROP_KEYS].sort());
    }
  });
});
