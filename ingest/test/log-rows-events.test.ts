// Log records that are analytics events (src/otlp/logs/log-rows.ts) beyond the declared ones:
// the OpenTelemetry browser instrumentation's navigation and click events, a page URL's campaign,
// a declared type that is not text, a time_spent that names no duration, and the bound of a
// log line's body.
import { ATTR } from '@footfall/contract';
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../src/otlp/decode.js';
import type { LogRecordData, ResourceLogsData } from '../src/otlp/logs/decode-logs.js';
import { type MappedLogRecord, mapLogRecords } from '../src/otlp/logs/log-rows.js';

/** log-rows.ts's bound of a body (not exported). */
const MAX_BODY_CHARS = 16 * 1024;

function record(fields: Partial<LogRecordData> = {}): LogRecordData {
  return {
    timeNs: 1_700_000_000_123_456_789n,
    observedTimeNs: 1_700_000_005_000_000_000n,
    severityNumber: 9,
    severityText: 'INFO',
    body: null,
    attributes: {},
    flags: 1,
    traceId: '',
    spanId: '',
    eventName: '',
    ...fields,
  };
}

function request(
  records: LogRecordData[],
  resource: Attributes = { 'service.name': 'shop', [ATTR.site]: 'portfolio' },
): ResourceLogsData[] {
  return [{ resource, schemaUrl: '', scopes: [{ scope: { name: 'browser', version: '1.0.0', attributes: {} }, schemaUrl: '', records }] }];
}

const WITH_CLICKS = new Set(['page_view', 'time_spent', 'ui_click']);
const WITHOUT_CLICKS = new Set(['page_view', 'time_spent']);

type EventRecord = Extract<MappedLogRecord, { kind: 'event' }>;
const asEvent = (mapped: MappedLogRecord | undefined): EventRecord => {
  if (mapped?.kind !== 'event') throw new Error(`not an event: ${JSON.stringify(mapped?.kind)}`);
  return mapped;
};
const fields = (mapped: MappedLogRecord | undefined) => asEvent(mapped).event as Record<string, unknown>;

describe('log records of the OpenTelemetry browser instrumentation', () => {
  it('reads browser.navigation as a standard page view, with the campaign of the page URL as sent', () => {
    const url = 'https://shop.example.org/spring?utm_source=mail&utm_campaign=spring&token=s3cret';
    const [mapped] = mapLogRecords(
      request([record({ eventName: 'browser.navigation', attributes: { 'session.id': 's1', 'url.full': url } })]),
      WITH_CLICKS,
    );
    expect(asEvent(mapped).standard).toBe(true);
    expect(fields(mapped)).toMatchObject({
      type: 'page_view',
      site: 'portfolio',
      path: '/spring',
      utm_source: 'mail',
      utm_campaign: 'spring',
    });
  });

  it('reads browser.navigation as a page view whether or not the catalog takes ui_click', () => {
    const [mapped] = mapLogRecords(request([record({ eventName: 'browser.navigation', attributes: { 'url.path': '/' } })]), WITHOUT_CLICKS);
    expect(fields(mapped).type).toBe('page_view');
  });

  it('is no standard event when the record declares its type itself', () => {
    const declared = record({
      eventName: 'browser.navigation',
      attributes: { [ATTR.eventType]: 'page_view', 'session.id': 's1', 'url.path': '/' },
    });
    const [mapped] = mapLogRecords(request([declared]), WITH_CLICKS);
    expect(asEvent(mapped).standard).toBe(false);
    expect(fields(mapped).type).toBe('page_view');
  });

  it("reads browser.user_action.click as ui_click with the element and the page's pixels, the record's own props winning", () => {
    const click = (attributes: Attributes) =>
      record({
        eventName: 'browser.user_action.click',
        attributes: {
          'session.id': 's1',
          'url.path': '/',
          [ATTR.cssSelector]: '#buy',
          'browser.page.x': 10.4,
          'browser.page.y': 20.6,
          ...attributes,
        },
      });
    const [plain, own] = mapLogRecords(
      request([click({}), click({ [`${ATTR.propsPrefix}selector`]: '#mine' })], {
        'service.name': 'shop',
        [ATTR.site]: 'portfolio',
        [ATTR.tagName]: 'BUTTON',
      }),
      WITH_CLICKS,
    );
    expect(asEvent(plain).standard).toBe(true);
    expect(fields(plain)).toMatchObject({ type: 'ui_click', props: { selector: '#buy', tag: 'button', page_x: 10, page_y: 21 } });
    expect(fields(own).props).toMatchObject({ selector: '#mine', tag: 'button' });
  });

  it('keeps a click as a log line when the catalog takes no ui_click', () => {
    const [mapped] = mapLogRecords(
      request([record({ eventName: 'browser.user_action.click', attributes: { [ATTR.cssSelector]: '#buy' } })]),
      WITHOUT_CLICKS,
    );
    expect(mapped?.kind).toBe('log');
  });
});

describe('declared log events', () => {
  it('read a declared type that is not text as its JSON, and a null one as no type (a log line)', () => {
    const [number, nothing] = mapLogRecords(
      request([record({ attributes: { [ATTR.eventType]: 3, 'session.id': 's1' } }), record({ attributes: { [ATTR.eventType]: null } })]),
      WITH_CLICKS,
    );
    expect(fields(number).type).toBe('3');
    expect(asEvent(number).standard).toBe(false);
    expect(nothing?.kind).toBe('log');
  });

  it('read the event name when the resource declares a null type', () => {
    const [mapped] = mapLogRecords(
      request([record({ eventName: 'page_view', attributes: { 'url.path': '/' } })], { [ATTR.site]: 'portfolio', [ATTR.eventType]: null }),
      WITH_CLICKS,
    );
    expect(fields(mapped).type).toBe('page_view');
  });

  it('give time_spent a duration only when the record names one (null, on the resource, names none)', () => {
    const timeSpent = (attributes: Attributes = {}) =>
      record({ attributes: { [ATTR.eventType]: 'time_spent', 'session.id': 's1', ...attributes } });
    const [unnamed, named] = mapLogRecords(request([timeSpent(), timeSpent({ [ATTR.durationMs]: 4200 })]), WITH_CLICKS);
    const [nullDuration] = mapLogRecords(request([timeSpent()], { [ATTR.site]: 'portfolio', [ATTR.durationMs]: null }), WITH_CLICKS);
    expect(fields(unnamed)).not.toHaveProperty('duration_ms');
    expect(fields(nullDuration)).not.toHaveProperty('duration_ms');
    expect(fields(named).duration_ms).toBe(4200);
  });
});

describe('log lines', () => {
  it(`keep ${MAX_BODY_CHARS} characters of a body`, () => {
    const [mapped] = mapLogRecords(request([record({ body: 'b'.repeat(MAX_BODY_CHARS + 10) })]), WITH_CLICKS);
    if (mapped?.kind !== 'log') throw new Error('not a log line');
    expect(mapped.row.Body).toBe('b'.repeat(MAX_BODY_CHARS));
  });
});
