import type { FastifyRequest } from 'fastify';
import type { Metrics } from '../metrics/registry.js';
import type { Countries } from './country.js';
import type { Sender } from './to-event-row.js';
import { cutUserAgent, type UserAgents } from './user-agent.js';
import type { VisitorIds } from './visitor-id.js';

export interface SenderDeps {
  userAgents: UserAgents;
  visitorIds: VisitorIds;
  privacySignalMode: 'anonymise' | 'drop';
  metrics: Metrics;
  countries: Countries;
}

/**
 * Works out who sent a request, once for all its events: its device, its visitor id, and whether
 * its events are refused outright (a bot, or a privacy signal in `drop` mode).
 */
export function senderOf(
  request: FastifyRequest,
  source: Sender['source'],
  site: string | undefined,
  deps: SenderDeps,
  fullUserAgent = request.headers['user-agent'] ?? '',
): { sender: Sender; refusal?: undefined } | { refusal: 'bot' | 'privacy_signal'; value: string; sender?: undefined } {
  // Cut before anything reads it: parsing, the cache and the visitor hash all see the same bounded text.
  const userAgent = cutUserAgent(fullUserAgent);
  const described = deps.userAgents.describe(userAgent);
  // The refused value the owner sees: the agent judged a bot, the header that asked not to be tracked.
  if (described.bot) return { refusal: 'bot', value: userAgent };

  const signal = request.headers['sec-gpc'] === '1' ? 'gpc' : request.headers.dnt === '1' ? 'dnt' : undefined;
  if (signal) {
    const action = deps.privacySignalMode === 'drop' ? 'dropped' : 'anonymised';
    deps.metrics.privacySignals.inc({ signal, action });
    if (deps.privacySignalMode === 'drop') return { refusal: 'privacy_signal', value: signal === 'gpc' ? 'Sec-GPC: 1' : 'DNT: 1' };
  }

  // Beacons come straight from the visitor's browser; OTLP arrives through the Collector, whose
  // address says nothing about the visitor, so the session stands in for the IP there.
  const ip = request.ip;
  // Visitor ids made for this request, by site (beacons) or by site and session (OTLP); bounded by its events.
  const perSite = new Map<string, string>();
  const visitorId =
    source === 'beacon'
      ? (siteId: string) => {
          // One hash per request and site, however many events the beacon carries.
          let id = perSite.get(siteId);
          if (id === undefined) perSite.set(siteId, (id = deps.visitorIds.idOf(siteId, ip, userAgent)));
          return id;
        }
      : (siteId: string, session: string) => {
          // One hash per site and session of the request (a sha256 each): a Collector's request
          // carries many spans of each visit.
          const key = `${siteId}\u0000${session}`;
          let id = perSite.get(key);
          if (id === undefined) perSite.set(key, (id = deps.visitorIds.idOf(siteId, session, userAgent)));
          return id;
        };
  return {
    sender: {
      source,
      site,
      visitorId,
      anonymise: signal !== undefined,
      device: described.device,
      browser: described.browser,
      os: described.os,
      origin: request.headers.origin,
      // The Collector's address says nothing of where the visitor is: a country for beacons only.
      country: source === 'beacon' ? deps.countries.of(ip) : '',
      now: Date.now(),
    },
  };
}
