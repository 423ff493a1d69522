// A log record's id (LogId, and the event id of a record that is an analytics event) is a hash of
// the record as it was sent, so it does not change when the privacy rules do: a record re-sent
// across an upgrade that cleans more is still recognised and stored once.
//
// The rules of another release are a test double: the modules are loaded again with the name
// rules (src/otlp/name-privacy.ts) replaced by ones that clean nothing, as the release before
// names were cleaned did.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logsBody, makeLogRecords } from './support/otel-logs.js';

const NAME_RULES = '../src/otlp/name-privacy.js';

/** The modules as a release with (`current`) or without (`names kept`) the name rules has them. */
async function release(rules: 'current' | 'names kept') {
  vi.resetModules();
  if (rules === 'names kept') vi.doMock(NAME_RULES, () => ({ nameWithoutPrivate: (name: string) => name }));
  else vi.doUnmock(NAME_RULES);
  const { mapLogRecords } = await import('../src/otlp/logs/log-rows.js');
  const { decodeLogs } = await import('../src/otlp/logs/decode-logs.js');
  const { testApp } = await import('./support/test-app.js');
  return { mapLogRecords, decodeLogs, testApp };
}

afterEach(() => {
  vi.doUnmock(NAME_RULES);
  vi.resetModules();
});

const marker = 'log-id-stable';
const body = logsBody(
  makeLogRecords([
    // A log line whose event name a rule of this release cleans.
    { eventName: 'mail someone@example.com', body: 'sent', attributes: { 'test.marker': marker } },
    // An analytics event with no id of its own: its event id is the record's id.
    { eventName: 'page_view', attributes: { 'session.id': marker, 'url.path': '/', 'event.name': 'GET /a?token=s3cret' } },
  ]),
  'json',
);

describe("a log record's id", () => {
  it('is the same whether or not a cleaning rule applies to the record', async () => {
    const ids = async (rules: 'current' | 'names kept') => {
      const { mapLogRecords, decodeLogs } = await release(rules);
      const mapped = mapLogRecords(decodeLogs(JSON.parse(body.toString()), 'json'), new Set(['page_view']));
      return mapped.map((record) =>
        record.kind === 'log' ? [record.row.LogId, record.row.EventName] : [(record.event as { id: string }).id],
      );
    };
    const before = await ids('names kept');
    const after = await ids('current');
    // The rule did apply: the stored name differs.
    expect(before[0]![1]).toBe('mail someone@example.com');
    expect(after[0]![1]).toBe('mail [email]');
    expect(after.map((id) => id[0])).toEqual(before.map((id) => id[0]));
    expect(after[0]![0]).toMatch(/^[0-9a-f]{32}$/);
  });

  it('stores a record re-sent across an upgrade once', async () => {
    const send = (app: FastifyInstance) =>
      app.inject({ method: 'POST', url: '/v1/logs', headers: { 'content-type': 'application/json' }, payload: body });

    const old = await release('names kept');
    const first = await old.testApp();
    expect((await send(first)).statusCode).toBe(200);
    await first.close();

    const upgraded = await release('current');
    const second = await upgraded.testApp({ dataDir: first.dataDir });
    try {
      expect((await send(second)).statusCode).toBe(200);
      expect(await second.pipeline.flush(30_000)).toBe(true);
      const count = async (query: string) => {
        const result = await second.clickhouse.query({ query, format: 'JSONEachRow' });
        return (await result.json<{ n: string }>()).map((row) => Number(row.n));
      };
      expect(await count(`SELECT count() AS n FROM otel_logs WHERE LogAttributes['test.marker'] = '${marker}'`)).toEqual([1]);
      expect(await count(`SELECT count() AS n FROM events WHERE session_id = '${marker}'`)).toEqual([1]);
    } finally {
      await second.close();
    }
  });
});
