import { randomBytes } from 'node:crypto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

// Request bodies for the load scenarios. Every event needs a fresh id (the service stores an id
// once) and a recent time (it refuses events older than 24 h), so bodies are made per request;
// ids come from a counter, cheap enough not to slow the load generator down.

const SITE = 'portfolio';
const SESSIONS = 1000;

/** Unique ids for one run: a random prefix (runs never collide) and a counter. */
export class IdSource {
  private next = 0;
  private readonly prefix = randomBytes(4).toString('hex');

  /** A beacon event id (8 to 64 chars of `[A-Za-z0-9_-]`). */
  eventId(): string {
    return `${this.prefix}-${(this.next++).toString(36)}`;
  }

  /** `bytes` bytes as hex: a trace id (16) or a span id (8). */
  hexId(bytes: 8 | 16): string {
    return `${this.prefix}${(this.next++).toString(16).padStart(bytes * 2 - 8, '0')}`;
  }

  session(): string {
    return `s-${this.prefix}-${this.next % SESSIONS}`;
  }
}

/** What a visitor's tracker sends, in the proportions of a visit. */
const EVENT_SHAPES = [
  { type: 'page_view', path: '/room' },
  { type: 'room_enter', room: 'studio', path: '/room' },
  { type: 'object_view', object: 'guitar', path: '/room' },
  { type: 'object_click', object: 'laptop', path: '/room', props: { hand: 'left' } },
  { type: 'navigation', from: '/room', to: '/about', path: '/room' },
  { type: 'time_spent', duration_ms: 4200, path: '/about' },
] as const;

/** A beacon body as sendBeacon sends it: one event naming its site, or a batch. */
export function beaconBody(ids: IdSource, events: number): string {
  const ts = Date.now();
  const session = ids.session();
  const list = Array.from({ length: events }, (_, index) => ({
    id: ids.eventId(),
    ts,
    session,
    ...EVENT_SHAPES[index % EVENT_SHAPES.length],
  }));
  return JSON.stringify(events === 1 ? { site: SITE, ...list[0] } : { site: SITE, events: list });
}

/** Stand-ins in the template request, each replaced per request by a value of the same length. */
const TEMPLATE_TRACE_ID = 'f00dfeedf00dfeedf00dfeedf00dfeed';
const templateSpanId = (index: number) => `c0ffee${index.toString(16).padStart(10, '0')}`;
const TEMPLATE_SESSION = 'session-template';
/** 2020-09-13T12:26:40.123456789Z: 19 digits, as every time until 2286 has. */
const TEMPLATE_START: [number, number] = [1_600_000_000, 123_456_789];
const TEMPLATE_NANOS = 1_600_000_000_123_456_789n;

/** Spans as the browser's OpenTelemetry tier records them, each one an analytics event. */
function recordTemplateSpans(count: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'portfolio-web', 'portfolio.site': SITE }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('bench');
  for (let index = 0; index < count; index += 1) {
    const clicked = index % 2 === 1;
    tracer
      .startSpan(clicked ? 'object_click' : 'page_view', {
        attributes: {
          'portfolio.event.type': clicked ? 'object_click' : 'page_view',
          ...(clicked ? { 'portfolio.object.id': 'guitar' } : {}),
          'url.path': '/room',
          'session.id': TEMPLATE_SESSION,
          'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
        },
      })
      .end();
  }
  return exporter.getFinishedSpans().map((span, index): ReadableSpan => {
    const context = { ...span.spanContext(), traceId: TEMPLATE_TRACE_ID, spanId: templateSpanId(index) };
    return { ...span, spanContext: () => context, startTime: TEMPLATE_START, endTime: TEMPLATE_START };
  });
}

/** Where a stand-in lies in the serialised template: every offset of its bytes. */
function offsetsOf(body: Buffer, standIn: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = body.indexOf(standIn); at !== -1; at = body.indexOf(standIn, at + standIn.length)) offsets.push(at);
  if (offsets.length === 0) throw new Error(`stand-in ${standIn.toString('hex')} not found in the template request`);
  return offsets;
}

/**
 * OTLP trace requests made with the real OpenTelemetry serializers, each with fresh trace and span
 * ids, a fresh session and the current time. The spans are recorded and serialised once; each
 * request is a copy of that template with the stand-ins overwritten in place. Serialising 1,000
 * spans per request took the load generator ~30 ms, so on this machine's few cores it, not the
 * service, would have set the pace.
 */
export function otlpTraceBodies(encoding: 'json' | 'protobuf', spansPerRequest: number): (ids: IdSource) => Buffer {
  const serializer = encoding === 'json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  const template = Buffer.from(serializer.serializeRequest(recordTemplateSpans(spansPerRequest))!);
  // Ids are bytes in protobuf and hex text in OTLP/JSON; times a fixed64 in protobuf and a decimal string in JSON.
  const idBytes = (hex: string) => (encoding === 'json' ? Buffer.from(hex, 'latin1') : Buffer.from(hex, 'hex'));
  const timeBytes = (nanos: bigint) => {
    if (encoding === 'json') return Buffer.from(nanos.toString(), 'latin1');
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64LE(nanos);
    return bytes;
  };
  const traceIdAt = offsetsOf(template, idBytes(TEMPLATE_TRACE_ID));
  const spanIdAt = Array.from({ length: spansPerRequest }, (_, index) => offsetsOf(template, idBytes(templateSpanId(index))));
  const timeAt = offsetsOf(template, timeBytes(TEMPLATE_NANOS));
  const sessionAt = offsetsOf(template, Buffer.from(TEMPLATE_SESSION));
  const idEncoding = encoding === 'json' ? 'latin1' : 'hex';
  return (ids) => {
    const body = Buffer.from(template);
    const putId = (offsets: number[], hex: string) => {
      for (const at of offsets) body.write(hex, at, idEncoding);
    };
    putId(traceIdAt, ids.hexId(16));
    for (const offsets of spanIdAt) putId(offsets, ids.hexId(8));
    const time = timeBytes(BigInt(Date.now()) * 1_000_000n);
    for (const at of timeAt) time.copy(body, at);
    // Sessions differ in length; padded at the start, distinct sessions stay distinct.
    const session = ids.session().padStart(TEMPLATE_SESSION.length, '0');
    for (const at of sessionAt) body.write(session, at, 'latin1');
    return body;
  };
}
