import { readFileSync } from 'node:fs';
import type { FastifyErrorConstructor } from '@fastify/error';
import { describe, expect, it } from 'vitest';
import * as errors from '../src/errors.js';
import type { RefusalReason } from '../src/events/event-input.js';
import { MAX_PROPS } from '../src/events/event-shape.js';
import { MAX_AGE_MS, MAX_AHEAD_MS } from '../src/events/to-event-row.js';
import { MAX_USER_AGENT_CHARS } from '../src/events/user-agent.js';
import { OTLP_LIMITS } from '../src/otlp/limits.js';
import { MAX_BROWSER_COUNT_PER_POINT, type PointRefusal } from '../src/otlp/metrics/metric-rows.js';
import { MAX_BEACON_BYTES, MAX_EVENTS_PER_BEACON } from '../src/routes/beacon/index.js';
import { MAX_OTLP_BYTES, MAX_OTLP_DECOMPRESSED_BYTES } from '../src/routes/otlp-http.js';

// docs/limits.md's tables against the code: every error code and refusal reason the service has is
// documented, none that it lacks, and each documented limit is the constant the code checks.

const limitsPage = readFileSync(new URL('../../docs/limits.md', import.meta.url), 'utf8');

/** The rows of the first table under a heading, each as its cells without backticks. */
function tableUnder(heading: string): string[][] {
  const lines = limitsPage.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`docs/limits.md has no heading "${heading}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim().replaceAll('`', '')),
    );
  }
  // The header row, then the row of dashes under it.
  return rows.slice(2);
}

/**
 * Every refusal reason of the code. A Record over the union types, so the type-check fails when a
 * reason is added to or removed from the code and not here; the test then holds the page to it.
 */
const REASONS: Record<RefusalReason | PointRefusal, true> = {
  unknown_site: true,
  no_site: true,
  unknown_origin: true,
  unknown_type: true,
  unknown_object: true,
  unknown_room: true,
  missing_field: true,
  invalid_field: true,
  too_old: true,
  in_future: true,
  too_many_props: true,
  undeclared_prop: true,
  bot: true,
  privacy_signal: true,
  invalid_value: true,
};

const thousands = (n: number) => n.toLocaleString('en-US');
const MiB = 1024 * 1024;

describe('docs/limits.md', () => {
  it('lists every error code of ingest/src/errors.ts with its status, and no other', () => {
    const inCode = Object.values(errors as Record<string, unknown>)
      .filter((value): value is FastifyErrorConstructor => typeof value === 'function')
      .map((Constructor) => new Constructor())
      .map(({ code, statusCode }) => `${code} ${statusCode}`);
    const documented = tableUnder('## Error codes').map(([code, status]) => `${code} ${status}`);
    expect(inCode.length).toBeGreaterThan(10);
    expect(documented.sort()).toEqual(inCode.sort());
  });

  it('lists every refusal reason, and no other', () => {
    const documented = tableUnder('## Refusal reasons').map(([reason]) => reason);
    expect(documented.sort()).toEqual(Object.keys(REASONS).sort());
  });

  it('gives the bounds of the refusal reasons the code checks', () => {
    const refused = new Map(tableUnder('## Refusal reasons').map(([reason = '', what = '']) => [reason, what]));
    expect(refused.get('too_old')).toContain(`more than ${MAX_AGE_MS / 3_600_000} hours old`);
    expect(refused.get('in_future')).toContain(`more than ${MAX_AHEAD_MS / 60_000} minutes in the future`);
    expect(refused.get('too_many_props')).toContain(`more than ${MAX_PROPS} props`);
    expect(refused.get('invalid_value')).toContain(`from 0 to ${thousands(MAX_BROWSER_COUNT_PER_POINT)}`);
  });

  it('gives each limit the value of the constant the code checks', () => {
    const limits = new Map(tableUnder('# Limits and refusals').map(([limit = '', value = '']) => [limit, value]));
    const { eventsPerSpan, linksPerSpan, spansPerRequest, dataPointsPerRequest, logRecordsPerRequest } = OTLP_LIMITS;
    // Rows that give one value for several limits hold only while those limits are equal.
    expect(linksPerSpan).toBe(eventsPerSpan);
    expect([dataPointsPerRequest, logRecordsPerRequest]).toEqual([spansPerRequest, spansPerRequest]);
    expect({
      beacon: limits.get('beacon body'),
      otlpBody: limits.get('OTLP body'),
      attributes: limits.get('attributes of one span, span event, link, resource, scope or data point'),
      values: limits.get('items of one array value, entries of one key-value-list value'),
      nesting: limits.get('nesting of array and key-value-list values'),
      perSpan: limits.get('events, links of one span'),
      perRequest: limits.get('spans, data points, log records of one request'),
    }).toEqual({
      beacon: `${MAX_BEACON_BYTES / 1024} KiB, ${MAX_EVENTS_PER_BEACON} events`,
      otlpBody: `${MAX_OTLP_BYTES / MiB} MiB as sent, ${MAX_OTLP_DECOMPRESSED_BYTES / MiB} MiB once gzip is undone`,
      attributes: String(OTLP_LIMITS.attributesPerItem),
      values: String(OTLP_LIMITS.valuesPerAttribute),
      nesting: String(OTLP_LIMITS.nestingDepth),
      perSpan: `${eventsPerSpan} each`,
      perRequest: `${thousands(spansPerRequest)} each`,
    });
    expect(limits.get('user agent (header or user_agent.original)')).toContain(`cut to ${MAX_USER_AGENT_CHARS} characters`);
    expect(limits.get('numbers in data points')).toContain(`from 0 to ${thousands(MAX_BROWSER_COUNT_PER_POINT)} per point`);
  });
});
