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
          'session.id': 'template',
          'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
        },
      })
      .end();
  }
  return exporter.getFinishedSpans();
}

/**
 * Serialised OTLP trace requests made with the real OpenTelemetry serializers: the spans are
 * recorded once by the SDK, then each request gets fresh trace and span ids and the current time.
 */
export function otlpTraceBodies(encoding: 'json' | 'protobuf', spansPerRequest: number): (ids: IdSource) => Buffer {
  const template = recordTemplateSpans(spansPerRequest);
  const serializer = encoding === 'json' ? JsonTraceSerializer : ProtobufTraceSerializer;
  return (ids) => {
    const traceId = ids.hexId(16);
    const session = ids.session();
    const nowMs = Date.now();
    const start: [number, number] = [Math.floor(nowMs / 1000), (nowMs % 1000) * 1_000_000];
    const spans = template.map((span): ReadableSpan => {
      const context = { ...span.spanContext(), traceId, spanId: ids.hexId(8) };
      return {
        ...span,
        spanContext: () => context,
        startTime: start,
        endTime: start,
        attributes: { ...span.attributes, 'session.id': session },
      };
    });
    return Buffer.from(serializer.serializeRequest(spans)!);
  };
}
