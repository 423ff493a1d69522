// What one visitor's browser sends: a batch of analytics events, as a beacon to the ingest service
// or as OTLP/JSON spans to the Collector. Every event id is unique to the run (a random prefix and
// a counter), so the run can be reconciled with what ClickHouse stored, and a retried request is
// recognised by the service as the same events.
import { randomBytes } from 'node:crypto';
import type { Path } from './scenario.js';
import { VISIT_ATTRIBUTES, VISIT_TYPES, type VisitType } from './wire-names.js';

const SITE = 'portfolio';
/** An ordinary desktop browser: the ingest service refuses load tools' own user agents as bots. */
export const BROWSER_USER_AGENT = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';
const OBJECTS = ['guitar', 'bookshelf', 'laptop', 'record-player', 'camera', 'plant', 'poster', 'desk-lamp'];
/** Sessions cycle through a bounded set, as many visitors would. */
const SESSIONS = 5000;

export interface Payload {
  body: string;
  events: number;
}

interface VisitEvent {
  type: VisitType;
  session: string;
  path: string;
  object?: string;
}

/** Unique ids for one run. */
export class RunIds {
  /** 8 hex characters: two runs never share an id. */
  readonly prefix = randomBytes(4).toString('hex');
  private counter = 0;

  next(): number {
    return this.counter++;
  }

  /** `hexDigits` hex characters, unique in the run: the prefix then the counter. */
  hex(hexDigits: 16 | 32): string {
    return (
      this.prefix +
      this.next()
        .toString(16)
        .padStart(hexDigits - 8, '0')
    );
  }
}

function visit(ids: RunIds, events: number): { n: number; list: VisitEvent[] } {
  const n = ids.next();
  const session = `load-${ids.prefix}-${n % SESSIONS}`;
  const list = Array.from(
    { length: events },
    (_, i): VisitEvent =>
      i === 0
        ? { type: VISIT_TYPES.pageView, session, path: '/room' }
        : { type: VISIT_TYPES.objectClick, session, path: '/room', object: OBJECTS[(n + i) % OBJECTS.length] },
  );
  return { n, list };
}

export function beaconPayload(ids: RunIds, events: number): Payload {
  const { n, list } = visit(ids, events);
  const ts = Date.now();
  const body = {
    site: SITE,
    events: list.map((event, i) => ({ id: `${ids.prefix}-${n.toString(36)}-${i}`, ts, ...event })),
  };
  return { body: JSON.stringify(body), events };
}

const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });

export function otlpPayload(ids: RunIds, events: number): Payload {
  const { list } = visit(ids, events);
  const nowNs = `${Date.now()}000000`;
  const traceId = ids.hex(32);
  const spans = list.map((event) => ({
    traceId,
    spanId: ids.hex(16),
    name: event.type,
    kind: 1,
    startTimeUnixNano: nowNs,
    endTimeUnixNano: nowNs,
    attributes: [
      attribute(VISIT_ATTRIBUTES.eventType, event.type),
      attribute(VISIT_ATTRIBUTES.sessionId, event.session),
      attribute(VISIT_ATTRIBUTES.urlPath, event.path),
      attribute(VISIT_ATTRIBUTES.userAgent, BROWSER_USER_AGENT),
      ...(event.object ? [attribute(VISIT_ATTRIBUTES.objectId, event.object)] : []),
    ],
  }));
  const body = {
    resourceSpans: [
      {
        resource: { attributes: [attribute(VISIT_ATTRIBUTES.serviceName, 'footfall-load'), attribute(VISIT_ATTRIBUTES.site, SITE)] },
        scopeSpans: [{ scope: { name: 'footfall-load' }, spans }],
      },
    ],
  };
  return { body: JSON.stringify(body), events };
}

export const PAYLOADS: Record<Path, (ids: RunIds, events: number) => Payload> = { beacon: beaconPayload, otlp: otlpPayload };

/** Where each path is posted, and as what. */
export const ENDPOINTS: Record<Path, { path: string; contentType: string }> = {
  beacon: { path: '/v1/beacon', contentType: 'text/plain' },
  otlp: { path: '/v1/traces', contentType: 'application/json' },
};
