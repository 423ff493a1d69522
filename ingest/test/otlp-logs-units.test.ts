import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../src/otlp/decode.js';
import { OtlpDecodeError } from '../src/otlp/decode-error.js';
import { OtlpLimitError } from '../src/otlp/limits.js';
import { dateTime64 } from '../src/otlp/traces/span-rows.js';
import { decodeLogs, type LogRecordData, MAX_LOG_RECORDS_PER_REQUEST, type ResourceLogsData } from '../src/otlp/logs/decode-logs.js';
import { type LogRow, mapLogRecords } from '../src/otlp/logs/log-rows.js';

// The logs decoder and mapping (src/otlp/logs/decode-logs.ts, log-rows.ts) called directly: every
// field read from both encodings, the limits and readers that refuse, and what each record becomes.

/** log-rows.ts's bounds (not exported). */
const MAX_NAME_CHARS = 1024;
const MAX_BODY_CHARS = 16 * 1024;

const TRACE_ID = '0123456789abcdef0123456789abcdef';
const SPAN_ID = 'fedcba9876543210';
/** 2023-11-14 22:13:20 UTC and 123456789 ns. */
const TIME = 1_700_000_000_123_456_789n;
const OBSERVED = 1_700_000_005_000_000_000n;

const hexToBase64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

/** One request with every field the decoder reads set; ids in the encoding's own form. */
function fullRequest(ids: 'hex' | 'base64') {
  const idOf = (hex: string) => (ids === 'hex' ? hex : hexToBase64(hex));
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        scopeLogs: [
          {
            scope: { name: 'app.logger', version: '2.3.4', attributes: [{ key: 'lib', value: { stringValue: 'pino' } }] },
            schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
            logRecords: [
              {
                timeUnixNano: TIME.toString(),
                observedTimeUnixNano: OBSERVED.toString(),
                severityNumber: 9,
                severityText: 'INFO',
                body: { stringValue: 'hello' },
                attributes: [{ key: 'code.function', value: { stringValue: 'boot' } }],
                flags: 1,
                traceId: idOf(TRACE_ID),
                spanId: idOf(SPAN_ID),
                eventName: 'app.boot',
              },
            ],
          },
        ],
      },
    ],
  };
}

const FULL_DECODED: ResourceLogsData[] = [
  {
    resource: { 'service.name': 'shop' },
    schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    scopes: [
      {
        scope: { name: 'app.logger', version: '2.3.4', attributes: { lib: 'pino' } },
        schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
        records: [
          {
            timeNs: TIME,
            observedTimeNs: OBSERVED,
            severityNumber: 9,
            severityText: 'INFO',
            body: 'hello',
            attributes: { 'code.function': 'boot' },
            flags: 1,
            traceId: TRACE_ID,
            spanId: SPAN_ID,
            eventName: 'app.boot',
          },
        ],
      },
    ],
  },
];

const logsProto = protobuf.loadSync(fileURLToPath(new URL('../src/otlp/proto/logs.proto', import.meta.url)));
const LogsRequest = logsProto.lookupType('otlp.ExportLogsServiceRequest');

/** The OTLP/JSON-shaped object as protobuf bytes (protobufjs takes base64 strings for bytes). */
const toProtobuf = (object: object) => Buffer.from(LogsRequest.encode(LogsRequest.fromObject(object)).finish());

/** A JSON request holding one record (fields as OTLP/JSON has them). */
const oneRecord = (record: Record<string, unknown>) => ({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] });
const decodedRecord = (record: Record<string, unknown>) => decodeLogs(oneRecord(record), 'json')[0]!.scopes[0]!.records[0]!;

// Compared as plain objects: the decoder's attribute maps have no prototype.
const plain = (value: unknown) => JSON.parse(JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? `${item}n` : item)));

describe('decodeLogs', () => {
  it('reads every field of an OTLP/JSON request, ids as hex', () => {
    expect(plain(decodeLogs(fullRequest('hex'), 'json'))).toEqual(plain(FULL_DECODED));
  });

  it('reads every field of a protobuf request, ids from bytes', () => {
    expect(plain(decodeLogs(toProtobuf(fullRequest('base64')), 'protobuf'))).toEqual(plain(FULL_DECODED));
  });

  it('reads JSON ids as hex, not base64 (lowercased)', () => {
    expect(decodedRecord({ traceId: TRACE_ID.toUpperCase(), spanId: SPAN_ID }).traceId).toBe(TRACE_ID);
    // A base64 id in JSON is not 16 bytes of hex.
    expect(() => decodedRecord({ traceId: hexToBase64(TRACE_ID) })).toThrow(new OtlpDecodeError('an id is not 16 bytes'));
  });

  it('leaves absent fields empty', () => {
    expect(plain(decodedRecord({}))).toEqual(
      plain({
        timeNs: 0n,
        observedTimeNs: 0n,
        severityNumber: 0,
        severityText: '',
        body: null,
        attributes: {},
        flags: 0,
        traceId: '',
        spanId: '',
        eventName: '',
      }),
    );
  });

  it('reads a body that is absent or null as null, and a structured body as its value', () => {
    expect(decodedRecord({}).body).toBeNull();
    expect(decodedRecord({ body: null }).body).toBeNull();
    expect(decodedRecord({ body: {} }).body).toBeNull();
    expect(plain(decodedRecord({ body: { kvlistValue: { values: [{ key: 'a', value: { intValue: '2' } }] } } }).body)).toEqual({ a: 2 });
  });

  it('accepts exactly MAX_LOG_RECORDS_PER_REQUEST records and refuses one more, counted across scopes', () => {
    const request = (counts: number[]) => ({
      resourceLogs: [{ scopeLogs: counts.map((count) => ({ logRecords: Array.from({ length: count }, () => ({})) })) }],
    });
    const half = MAX_LOG_RECORDS_PER_REQUEST / 2;
    const decoded = decodeLogs(request([half, half]), 'json');
    expect(decoded[0]!.scopes.map((scope) => scope.records.length)).toEqual([half, half]);
    expect(() => decodeLogs(request([half, half + 1]), 'json')).toThrow(
      new OtlpLimitError(`more than ${MAX_LOG_RECORDS_PER_REQUEST} log records in one request`),
    );
    expect(() => decodeLogs(request([half, half + 1]), 'json')).toThrow(OtlpLimitError);
  });

  describe('integer fields (severityNumber, flags)', () => {
    it.each([
      [undefined, 0],
      [null, 0],
      [7, 7],
      [-3, -3],
      ['42', 42],
      ['-42', -42],
      ['123456789012345', 123_456_789_012_345],
      ['-123456789012345', -123_456_789_012_345],
    ])('reads %j as %d', (value, expected) => {
      expect(decodedRecord({ severityNumber: value }).severityNumber).toBe(expected);
      expect(decodedRecord({ flags: value }).flags).toBe(expected);
    });

    it.each([['1.5'], [1.5], ['abc'], [''], ['1234567890123456'], [' 42'], ['4 2'], [2 ** 53], [true], [{}]])('refuses %j', (value) => {
      expect(() => decodedRecord({ severityNumber: value })).toThrow(new OtlpDecodeError('expected an integer'));
      expect(() => decodedRecord({ flags: value })).toThrow(OtlpDecodeError);
    });
  });

  it('refuses bytes that are not protobuf, saying so', () => {
    const attempt = () => decodeLogs(Buffer.from([0x0f]), 'protobuf');
    expect(attempt).toThrow(OtlpDecodeError);
    expect(attempt).toThrow(/^invalid protobuf: invalid wire type 7/);
  });
});

// --- log-rows.ts ---

function record(fields: Partial<LogRecordData> = {}): LogRecordData {
  return {
    timeNs: TIME,
    observedTimeNs: OBSERVED,
    severityNumber: 9,
    severityText: 'INFO',
    body: 'line',
    attributes: {},
    flags: 1,
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    eventName: '',
    ...fields,
  };
}

interface ScopeFields {
  name?: string;
  version?: string;
  schemaUrl?: string;
  attributes?: Attributes;
}

function request(
  records: LogRecordData[],
  resource: Attributes = { 'service.name': 'shop' },
  scope: ScopeFields = {},
  schemaUrl = 'res-schema',
): ResourceLogsData[] {
  return [
    {
      resource,
      schemaUrl,
      scopes: [
        {
          scope: { name: scope.name ?? 'app.logger', version: scope.version ?? '1.0.0', attributes: scope.attributes ?? {} },
          schemaUrl: scope.schemaUrl ?? 'scope-schema',
          records,
        },
      ],
    },
  ];
}

const EVENT_TYPES = new Set(['page_view', 'time_spent']);

const rowsOf = (data: ResourceLogsData[]): LogRow[] =>
  mapLogRecords(data, EVENT_TYPES).map((mapped) => {
    if (mapped.kind !== 'log') throw new Error(`record ${mapped.index} became an event`);
    return mapped.row;
  });
const rowOf = (data: ResourceLogsData[]) => rowsOf(data)[0]!;

const eventsOf = (data: ResourceLogsData[]) =>
  mapLogRecords(data, EVENT_TYPES).map((mapped) => {
    if (mapped.kind !== 'event') throw new Error(`record ${mapped.index} became a log row`);
    return mapped.event as Record<string, unknown>;
  });
const eventOf = (data: ResourceLogsData[]) => eventsOf(data)[0]!;

/** log-rows.ts's identity of a record, written out. */
function expectedLogId(resource: Attributes, scope: { name: string; version: string }, r: LogRecordData): string {
  const identity = JSON.stringify([
    resource,
    scope.name,
    scope.version,
    r.timeNs.toString(),
    r.observedTimeNs.toString(),
    r.severityNumber,
    r.severityText,
    r.body,
    r.attributes,
    r.traceId,
    r.spanId,
    r.eventName,
  ]);
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}

describe('mapLogRecords', () => {
  it('maps a plain record to every column of an otel_logs row', () => {
    const r = record({ attributes: { 'code.function': 'boot' } });
    const data = request([r], { 'service.name': 'shop' }, { attributes: { lib: 'pino' } });
    expect(rowsOf(data)).toEqual([
      {
        LogId: expectedLogId({ 'service.name': 'shop' }, { name: 'app.logger', version: '1.0.0' }, r),
        Timestamp: dateTime64(TIME),
        TraceId: TRACE_ID,
        SpanId: SPAN_ID,
        TraceFlags: 1,
        SeverityText: 'INFO',
        SeverityNumber: 9,
        ServiceName: 'shop',
        Body: 'line',
        ResourceSchemaUrl: 'res-schema',
        ResourceAttributes: { 'service.name': 'shop' },
        ScopeSchemaUrl: 'scope-schema',
        ScopeName: 'app.logger',
        ScopeVersion: '1.0.0',
        ScopeAttributes: { lib: 'pino' },
        LogAttributes: { 'code.function': 'boot' },
        EventName: '',
      },
    ]);
    expect(dateTime64(TIME)).toBe('2023-11-14 22:13:20.123456789');
  });

  it('returns records in request order across event and plain records', () => {
    const data = request([
      record({ body: 'first' }),
      record({ eventName: 'page_view', attributes: { 'session.id': 's1' } }),
      record({ body: 'third' }),
    ]);
    const mapped = mapLogRecords(data, EVENT_TYPES);
    expect(mapped.map((m) => [m.index, m.kind])).toEqual([
      [0, 'log'],
      [1, 'event'],
      [2, 'log'],
    ]);
    expect(mapped.map((m) => (m.kind === 'log' ? m.row.Body : (m.event as { type: string }).type))).toEqual([
      'first',
      'page_view',
      'third',
    ]);
  });

  it('counts record indexes across scopes and resources', () => {
    const data = [...request([record({ eventName: 'page_view' }), record()]), ...request([record(), record({ eventName: 'page_view' })])];
    expect(mapLogRecords(data, EVENT_TYPES).map((m) => [m.index, m.kind])).toEqual([
      [0, 'event'],
      [1, 'log'],
      [2, 'log'],
      [3, 'event'],
    ]);
  });

  it(`cuts names to ${MAX_NAME_CHARS} characters`, () => {
    const long = (letter: string) => letter.repeat(MAX_NAME_CHARS + 300);
    const row = rowOf(
      request(
        [record({ severityText: long('s'), eventName: long('e') })],
        { 'service.name': long('n') },
        { name: long('c'), version: long('v'), schemaUrl: long('u') },
        long('r'),
      ),
    );
    expect(row.SeverityText).toBe('s'.repeat(MAX_NAME_CHARS));
    expect(row.ServiceName).toBe('n'.repeat(MAX_NAME_CHARS));
    expect(row.ResourceSchemaUrl).toBe('r'.repeat(MAX_NAME_CHARS));
    expect(row.ScopeSchemaUrl).toBe('u'.repeat(MAX_NAME_CHARS));
    expect(row.ScopeName).toBe('c'.repeat(MAX_NAME_CHARS));
    expect(row.ScopeVersion).toBe('v'.repeat(MAX_NAME_CHARS));
    expect(row.EventName).toBe('e'.repeat(MAX_NAME_CHARS));
    // Exactly the bound is kept whole.
    expect(rowOf(request([record({ severityText: 'x'.repeat(MAX_NAME_CHARS) })])).SeverityText).toHaveLength(MAX_NAME_CHARS);
  });

  it('bounds flags and severity number to a byte', () => {
    const row = rowOf(request([record({ flags: 0x1ff, severityNumber: 300 })]));
    expect(row.TraceFlags).toBe(0xff);
    expect(row.SeverityNumber).toBe(255);
    expect(rowOf(request([record({ severityNumber: -4 })])).SeverityNumber).toBe(0);
  });

  it('stores a record without a service name under an empty one', () => {
    expect(rowOf(request([record()], {})).ServiceName).toBe('');
  });

  describe('body', () => {
    it('stores a null body as empty text', () => {
      expect(rowOf(request([record({ body: null })])).Body).toBe('');
    });

    it('stores a text body as it is, cut to the body bound', () => {
      expect(rowOf(request([record({ body: 'hello there' })])).Body).toBe('hello there');
      expect(rowOf(request([record({ body: 'b'.repeat(MAX_BODY_CHARS + 300) })])).Body).toBe('b'.repeat(MAX_BODY_CHARS));
    });

    it('stores a structured body as JSON, cut to the body bound', () => {
      expect(rowOf(request([record({ body: { a: 1, b: ['x', true] } })])).Body).toBe('{"a":1,"b":["x",true]}');
      expect(rowOf(request([record({ body: 42 })])).Body).toBe('42');
      const long = { text: 'm'.repeat(MAX_BODY_CHARS) };
      expect(rowOf(request([record({ body: long })])).Body).toBe(JSON.stringify(long).slice(0, MAX_BODY_CHARS));
      expect(rowOf(request([record({ body: long })])).Body).toHaveLength(MAX_BODY_CHARS);
    });
  });

  describe('time', () => {
    it('is the record time when it has one, else the observed time', () => {
      expect(rowOf(request([record()])).Timestamp).toBe('2023-11-14 22:13:20.123456789');
      expect(rowOf(request([record({ timeNs: 0n })])).Timestamp).toBe('2023-11-14 22:13:25.000000000');
      expect(eventOf(request([record({ eventName: 'page_view' })])).ts).toBe(1_700_000_000_123);
      expect(eventOf(request([record({ eventName: 'page_view', timeNs: 0n })])).ts).toBe(1_700_000_005_000);
    });
  });

  describe('event type', () => {
    it('is the declared portfolio.event.type, on the record or its resource', () => {
      expect(eventOf(request([record({ attributes: { 'portfolio.event.type': 'room_enter' } })])).type).toBe('room_enter');
      expect(eventOf(request([record()], { 'service.name': 'shop', 'portfolio.event.type': 'room_enter' })).type).toBe('room_enter');
      // The record's own declaration wins over its resource's.
      expect(
        eventOf(request([record({ attributes: { 'portfolio.event.type': 'click' } })], { 'portfolio.event.type': 'room_enter' })).type,
      ).toBe('click');
    });

    it('is a declared value that is not text, as JSON', () => {
      expect(eventOf(request([record({ attributes: { 'portfolio.event.type': 5 } })])).type).toBe('5');
      expect(eventOf(request([record({ attributes: { 'portfolio.event.type': ['a', 1] } })])).type).toBe('["a",1]');
    });

    it('is derived from the event name or the event.name attribute when a catalog type', () => {
      expect(eventOf(request([record({ eventName: 'page_view' })])).type).toBe('page_view');
      expect(eventOf(request([record({ attributes: { 'event.name': 'page_view' } })])).type).toBe('page_view');
      // LogRecord.event_name is read before the attribute.
      expect(eventOf(request([record({ eventName: 'page_view', attributes: { 'event.name': 'other' } })])).type).toBe('page_view');
    });

    it('leaves a record with an unknown or non-text name a log line, its EventName stored', () => {
      expect(rowOf(request([record({ eventName: 'app.boot' })])).EventName).toBe('app.boot');
      expect(rowOf(request([record({ attributes: { 'event.name': 'app.start' } })])).EventName).toBe('app.start');
      expect(rowOf(request([record({ attributes: { 'event.name': 7 } })])).EventName).toBe('');
      // A null declaration declares nothing.
      expect(rowOf(request([record({ attributes: { 'portfolio.event.type': null } })])).EventName).toBe('');
    });
  });

  describe('duration', () => {
    const timeSpent = (attributes: Attributes, resource: Attributes = {}) =>
      eventOf(request([record({ eventName: 'time_spent', attributes })], resource));

    it("is the record's portfolio.duration_ms", () => {
      expect(timeSpent({ 'portfolio.duration_ms': 1500 }, { 'portfolio.duration_ms': 9 }).duration_ms).toBe(1500);
    });

    it("is the resource's when the record names none", () => {
      expect(timeSpent({}, { 'portfolio.duration_ms': 2500 }).duration_ms).toBe(2500);
      expect(timeSpent({ 'portfolio.duration_ms': null }, { 'portfolio.duration_ms': 2500 }).duration_ms).toBe(2500);
    });

    it('is left out when neither names one (not the zero a span would give)', () => {
      const event = timeSpent({});
      expect(event).not.toHaveProperty('duration_ms');
      expect(timeSpent({ 'portfolio.duration_ms': null })).not.toHaveProperty('duration_ms');
    });
  });

  describe('LogId', () => {
    it('is the 32-hex sha256 prefix of the record and where it came from', () => {
      const r = record({ body: { k: 'v' }, attributes: { a: 1 }, eventName: 'app.boot' });
      const { LogId } = rowOf(request([r]));
      expect(LogId).toMatch(/^[0-9a-f]{32}$/);
      expect(LogId).toBe(expectedLogId({ 'service.name': 'shop' }, { name: 'app.logger', version: '1.0.0' }, r));
    });

    it('is the same for the same record sent twice, different for different records', () => {
      const first = rowOf(request([record()])).LogId;
      expect(rowOf(request([record()])).LogId).toBe(first);
      const others = [
        rowOf(request([record({ body: 'other' })])).LogId,
        rowOf(request([record({ timeNs: TIME + 1n })])).LogId,
        rowOf(request([record({ observedTimeNs: OBSERVED + 1n })])).LogId,
        rowOf(request([record({ severityNumber: 10 })])).LogId,
        rowOf(request([record({ traceId: '' })])).LogId,
        rowOf(request([record()], { 'service.name': 'other' })).LogId,
        rowOf(request([record()], undefined, { version: '2.0.0' })).LogId,
      ];
      expect(new Set([first, ...others]).size).toBe(others.length + 1);
    });

    it("is an event's id when it declares none, and the same when sent again", () => {
      const r = record({ eventName: 'page_view', attributes: { 'session.id': 's1' } });
      const id = expectedLogId({ 'service.name': 'shop' }, { name: 'app.logger', version: '1.0.0' }, r);
      expect(eventOf(request([r])).id).toBe(id);
      expect(eventOf(request([r])).id).toBe(id);
      expect(eventOf(request([record({ eventName: 'page_view', attributes: { 'portfolio.event.id': 'mine' } })])).id).toBe('mine');
    });
  });
});
