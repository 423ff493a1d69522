import { ATTR } from '@footfall/contract';
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../src/otlp/decode.js';
import type { ResourceSpansData } from '../src/otlp/traces/span-data.js';
import { mapSpans } from '../src/otlp/traces/span-rows.js';

// A page's span names its campaign in `url.full`'s query: the OTLP mapping reads it there with the
// contract's campaignOf (as a beacon's `search`) before the privacy rules cut the query, and
// keeps nothing else of it.

const START = 1_700_000_000_000_000_000n;
const LONG = 'c'.repeat(200);
const URL_FULL = `https://portfolio.example/work?utm_source=newsletter&utm_medium=email&utm_campaign=spring%20launch&utm_term=3d+room&utm_content=${LONG}&utm_id=ignored&email=ada%40example.org#top`;

function mapOne(attributes: Attributes) {
  const request: ResourceSpansData[] = [
    {
      resource: {},
      scopes: [
        {
          scope: { name: 'scope', version: '1' },
          spans: [
            {
              traceId: '0123456789abcdef0123456789abcdef',
              spanId: 'fedcba9876543210',
              parentSpanId: '',
              traceState: '',
              name: 'documentLoad',
              kind: 1,
              startNs: START,
              endNs: START,
              attributes,
              events: [],
              links: [],
              statusCode: 0,
              statusMessage: '',
            },
          ],
        },
      ],
    },
  ];
  const [mapped] = mapSpans(request);
  return mapped!;
}

describe('campaign of an OTLP span', () => {
  it("is url.full's campaign parameters, cut to 128 characters, and the stored span keeps no query", () => {
    const mapped = mapOne({ [ATTR.eventType]: 'page_view', [ATTR.urlPath]: '/work', 'url.full': URL_FULL });
    expect(mapped.event).toMatchObject({
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'spring launch',
      utm_term: '3d room',
      utm_content: 'c'.repeat(128),
    });
    expect(mapped.row.SpanAttributes['url.full']).toBe('https://portfolio.example/work');
    const kept = JSON.stringify(mapped);
    for (const leftOver of ['utm_id', 'ignored', 'ada', LONG]) expect(kept).not.toContain(leftOver);
  });

  it('gives way to portfolio.utm.* attributes, and is none without a query or a URL', () => {
    const named = mapOne({ [ATTR.eventType]: 'page_view', 'url.full': URL_FULL, [ATTR.utmSource]: 'attribute' }).event;
    expect(named).toMatchObject({ utm_source: 'attribute', utm_medium: 'email' });
    for (const url of ['https://portfolio.example/work', 'not a url?utm_source=x', 7]) {
      const event = mapOne({ [ATTR.eventType]: 'page_view', 'url.full': url }).event as Record<string, unknown>;
      expect(Object.keys(event).filter((key) => key.startsWith('utm_'))).toEqual([]);
    }
  });
});
