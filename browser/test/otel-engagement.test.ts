/**
 * The OpenTelemetry tier sends followed links and the time on a page with the attributes the
 * ingest service maps back to the same events (ingest/src/otlp/span-rows.ts): a span per event,
 * named `portfolio.outbound`, `portfolio.download` and `portfolio.time_spent`.
 */
import { ATTR } from '@footfall/contract';
import { describe, expect, it } from 'vitest';
import { eventAttributes } from '../src/otel/event-span.js';

const base = { id: 'event_0001', ts: 1, session: 's', path: '/about' };

describe('the OpenTelemetry tier', () => {
  it.each(['outbound', 'download'])("sends %s with the link's URL as portfolio.navigation.to", (type) => {
    const attributes = eventAttributes({ ...base, type, to: 'https://github.com/someone' });
    expect(attributes[ATTR.eventType]).toBe(type);
    expect(attributes[ATTR.navigationTo]).toBe('https://github.com/someone');
    expect(attributes[ATTR.urlPath]).toBe('/about');
  });

  it('sends engaged time as portfolio.duration_ms and the scroll depth as portfolio.props.scroll_depth', () => {
    const attributes = eventAttributes({ ...base, type: 'time_spent', duration_ms: 4200, props: { scroll_depth: 75 } });
    expect(attributes[ATTR.durationMs]).toBe(4200);
    expect(attributes[`${ATTR.propsPrefix}scroll_depth`]).toBe(75);
  });
});
