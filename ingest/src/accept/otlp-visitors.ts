// Who the visitor behind OTLP telemetry is: shared by /v1/traces and /v1/logs so both judge alike.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { senderOf } from '../events/sender.js';

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
