// Who the visitor behind OTLP telemetry is, and whether the analytics event a span or a log
// record carries is stored: shared by /v1/traces and /v1/logs so both judge alike.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RefusalReason } from '../events/event-row.js';
import type { EventRow } from '../tables/index.js';
import { senderOf } from '../events/sender.js';
import { toEventRow, type Sender } from '../events/to-event-row.js';

export type JudgedSender = ReturnType<typeof senderOf>;

/**
 * A judge for one request: the sender made from a visitor's user agent, cached per agent.
 *
 * Only the visitor's agent counts: `user_agent.original` on the span, log record or resource.
 * The request's User-Agent header is the exporter's (`OTel-OTLP-Exporter-JavaScript/...`) or the
 * Collector's, never the visitor's, so it neither makes a visitor a bot nor describes a device.
 * Telemetry that names no agent has an unknown device and is not judged a bot.
 */
export function otlpVisitors(app: FastifyInstance, request: FastifyRequest): (userAgent: string | undefined) => JudgedSender {
  const senders = new Map<string, JudgedSender>();
  return (userAgent) => {
    const agent = userAgent ?? '';
    let judged = senders.get(agent);
    if (!judged) {
      judged = senderOf(request, 'otlp', undefined, app.senders, agent);
      senders.set(agent, judged);
    }
    return judged;
  };
}

/**
 * An item (span or log record) is stored unless its visitor is a bot or the event it carries is
 * refused; `row` is the analytics event's row when it carries one.
 */
export function judgeOtlpItem(
  event: unknown,
  judged: JudgedSender,
  catalog: FastifyInstance['catalog'],
): { row: EventRow | undefined; reason?: undefined } | { reason: RefusalReason; row?: undefined } {
  if (judged.refusal === 'bot') return { reason: 'bot' };
  if (event === undefined) return { row: undefined };
  if (judged.refusal) return { reason: judged.refusal };
  const checked = toEventRow(event, catalog, judged.sender as Sender);
  return checked.row ? { row: checked.row } : { reason: checked.reason };
}
