import { campaignOf } from '@footfall/contract';
import type { Attributes } from '@opentelemetry/api';
import type { FootfallEvent } from '../tracker/types.js';
import { ATTR } from './attributes.js';

/**
 * The span attributes the ingest service turns back into exactly this event. The user agent
 * rides on each span (never on the resource) because through a Collector the ingest service
 * sees the Collector's user agent, not the browser's, and it needs the browser's for the bot
 * flag and the device.
 */
export function eventAttributes(event: FootfallEvent): Attributes {
  const attributes: Attributes = {
    [ATTR.eventId]: event.id,
    [ATTR.eventType]: event.type,
    [ATTR.sessionId]: event.session,
    [ATTR.urlPath]: event.path,
    [ATTR.userAgent]: navigator.userAgent,
  };
  // The tracker sends the landing query as it is; spans carry only its campaign parameters, taken
  // by the same function as the ingest service's, as the Collector keeps no query.
  const campaign = event.search ? campaignOf(event.search) : {};
  const optional: [string, string | number | undefined][] = [
    [ATTR.referrer, event.referrer],
    [ATTR.objectId, event.object],
    [ATTR.roomId, event.room],
    [ATTR.navigationFrom, event.from],
    [ATTR.navigationTo, event.to],
    [ATTR.durationMs, event.duration_ms],
    [ATTR.utmSource, event.utm_source ?? campaign.utm_source],
    [ATTR.utmMedium, event.utm_medium ?? campaign.utm_medium],
    [ATTR.utmCampaign, event.utm_campaign ?? campaign.utm_campaign],
    [ATTR.utmTerm, event.utm_term ?? campaign.utm_term],
    [ATTR.utmContent, event.utm_content ?? campaign.utm_content],
  ];
  for (const [name, value] of optional) if (value !== undefined) attributes[name] = value;
  for (const [key, value] of Object.entries(event.props ?? {})) attributes[ATTR.propsPrefix + key] = value;
  return attributes;
}
