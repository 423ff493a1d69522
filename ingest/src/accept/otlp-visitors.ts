// Who the visitor behind OTLP telemetry is: shared by /v1/traces and /v1/logs so both judge alike.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { senderOf } from '../events/sender.js';

export type JudgedSender = ReturnType<typeof senderOf>;

/** A judged visitor, and the session its standard telemetry is counted in when it sends no `session.id`. */
export type OtlpVisitor = JudgedSender & {
  /**
   * A session made like the beacon's visitor id: a hash of the day's salt, the site, the request's
   * address and the visitor's agent. Straight from a page the address is the visitor's; through
   * the Collector it is the Collector's, so visitors of one agent share it (docs/otel-existing.md).
   */
  sessionWithoutId: (site: string) => string;
};

/**
 * A judge for one request: the sender made from a visitor's user agent, cached per agent.
 *
 * Only the visitor's agent counts: `user_agent.original` on the span, log record or resource.
 * The request's User-Agent header is the exporter's (`OTel-OTLP-Exporter-JavaScript/...`) or the
 * Collector's, never the visitor's, so it neither makes a visitor a bot nor describes a device.
 * Telemetry that names no agent has an unknown device and is not judged a bot.
 */
export function otlpVisitors(app: FastifyInstance, request: FastifyRequest): (userAgent: string | undefined) => OtlpVisitor {
  const senders = new Map<string, OtlpVisitor>();
  return (userAgent) => {
    const agent = userAgent ?? '';
    let judged = senders.get(agent);
    if (!judged) {
      const sessions = new Map<string, string>();
      const sessionWithoutId = (site: string) => {
        let session = sessions.get(site);
        if (session === undefined) sessions.set(site, (session = app.senders.visitorIds.idOf('session', site, request.ip, agent)));
        return session;
      };
      judged = { ...senderOf(request, 'otlp', undefined, app.senders, agent), sessionWithoutId };
      senders.set(agent, judged);
    }
    return judged;
  };
}
