// How OTLP items are judged (src/accept/judge-events.ts), item by item: the site an event gets from
// the page's origin, the refusal of an event whose site nobody names (never the catalog's first
// site), the site a refusal is counted under, a standard instrumentation's events of types the
// catalog does not take kept as telemetry, and the session made for standard telemetry without
// one. The visitors are plain values of the shape the routes make from a request.
import { describe, expect, it } from 'vitest';
import { judgeOtlpItems, type OtlpItem } from '../src/accept/judge-events.js';
import type { OtlpVisitor } from '../src/accept/otlp-visitors.js';
import { Catalog } from '../src/catalog/catalog.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const SHOP = 'https://shop.example';
const BLOG = 'https://blog.example';
const catalog = new Catalog({
  sites: [
    { id: 'shop', origins: [SHOP], rooms: [] },
    { id: 'blog', origins: [BLOG], rooms: [] },
  ],
  eventTypes: ['page_view'],
});

/** A visitor who is no bot and sent no privacy signal; its made session names the site. */
const visitor: OtlpVisitor = {
  sender: {
    source: 'otlp',
    site: undefined,
    visitorId: (site, session) => `visitor:${site}:${session}`,
    anonymise: false,
    device: 'desktop',
    browser: 'Chrome',
    os: 'Linux',
    country: '',
    now: NOW,
  },
  sessionWithoutId: (site) => `made:${site}`,
};
const refusedVisitor = (refusal: 'bot' | 'privacy_signal', value: string) =>
  ({ refusal, value, sessionWithoutId: visitor.sessionWithoutId }) as OtlpVisitor;

/** A fresh event each time: judging writes the site it finds into the event. */
const event = (fields: Record<string, unknown> = {}) => ({
  id: `evt-${Math.random().toString(36).slice(2, 12)}`,
  type: 'page_view',
  ts: NOW,
  path: '/',
  ...fields,
});

function judge(items: OtlpItem[], judged: OtlpVisitor = visitor, origin?: string) {
  let notAnalytic = 0;
  const result = judgeOtlpItems(items, { visitorOf: () => judged, catalog, origin, notAnalytic: () => notAnalytic++ });
  return { ...result, kept: [...result.kept], notAnalytic };
}

describe('judgeOtlpItems()', () => {
  it("gives an event that names no site the site whose origins list the page's origin, the request's Origin first", () => {
    const fromItem = judge([{ index: 0, event: event({ session: 's1' }), userAgent: undefined, origin: BLOG }]);
    expect(fromItem.rows.map((row) => row.site)).toEqual(['blog']);
    expect(fromItem.kept).toEqual([0]);
    const fromRequest = judge([{ index: 0, event: event({ session: 's1' }), userAgent: undefined, origin: BLOG }], visitor, SHOP);
    expect(fromRequest.rows.map((row) => row.site)).toEqual(['shop']);
    const named = judge([{ index: 0, event: event({ site: 'blog', session: 's1' }), userAgent: undefined, origin: SHOP }]);
    expect(named.rows.map((row) => row.site)).toEqual(['blog']);
  });

  it("refuses an event no site is named for as no_site, never counting it on the catalog's first site", () => {
    const none = judge([{ index: 4, event: event(), userAgent: undefined }]);
    expect(none).toEqual({ rows: [], refused: [{ index: 4, reason: 'no_site', value: '', site: 'shop' }], kept: [], notAnalytic: 0 });
    const elsewhere = judge([{ index: 0, event: event(), userAgent: undefined, origin: 'https://elsewhere.example' }]);
    expect(elsewhere.refused).toEqual([{ index: 0, reason: 'no_site', value: 'https://elsewhere.example', site: 'shop' }]);
  });

  it("refuses a bot's items with or without an event, each under the site of its page's origin, else the first site", () => {
    const bot = refusedVisitor('bot', 'curl/8.5.0');
    const items: OtlpItem[] = [
      { index: 0, event: undefined, userAgent: 'curl/8.5.0', origin: BLOG },
      { index: 1, event: undefined, userAgent: 'curl/8.5.0' },
      { index: 2, event: event({ site: 'blog' }), userAgent: 'curl/8.5.0' },
    ];
    expect(judge(items, bot)).toEqual({
      rows: [],
      refused: [
        { index: 0, reason: 'bot', value: 'curl/8.5.0', site: 'blog' },
        { index: 1, reason: 'bot', value: 'curl/8.5.0', site: 'shop' },
        { index: 2, reason: 'bot', value: 'curl/8.5.0', site: 'blog' },
      ],
      kept: [],
      notAnalytic: 0,
    });
  });

  it('refuses the events of a sender dropped for its privacy signal, and keeps its items that carry none', () => {
    const dropped = refusedVisitor('privacy_signal', 'Sec-GPC: 1');
    const items: OtlpItem[] = [
      { index: 0, event: event({ site: 'shop', session: 's1' }), userAgent: undefined },
      { index: 1, event: undefined, userAgent: undefined },
    ];
    expect(judge(items, dropped)).toEqual({
      rows: [],
      refused: [{ index: 0, reason: 'privacy_signal', value: 'Sec-GPC: 1', site: 'shop' }],
      kept: [1],
      notAnalytic: 1,
    });
  });

  it("keeps a standard instrumentation's event of a type the catalog does not take as telemetry, and refuses a declared one", () => {
    const click = () => event({ site: 'shop', type: 'ui_click', session: 's1' });
    expect(judge([{ index: 0, event: click(), userAgent: undefined, standard: true }])).toEqual({
      rows: [],
      refused: [],
      kept: [0],
      notAnalytic: 1,
    });
    const declared = judge([{ index: 0, event: click(), userAgent: undefined }]);
    expect(declared.refused).toEqual([{ index: 0, reason: 'unknown_type', value: 'ui_click', site: 'shop' }]);
    expect(declared.kept).toEqual([]);
    // The logs path counts no items kept without an event: judging needs no counter.
    const uncounted = judgeOtlpItems([{ index: 0, event: click(), userAgent: undefined, standard: true }], {
      visitorOf: () => visitor,
      catalog,
      origin: undefined,
    });
    expect([...uncounted.kept]).toEqual([0]);
  });

  it('counts standard telemetry without a session in the session made for its visitor, and leaves a sent session alone', () => {
    const items: OtlpItem[] = [
      { index: 0, event: event({ site: 'blog' }), userAgent: undefined, standard: true },
      { index: 1, event: event({ site: 'blog', session: 's9' }), userAgent: undefined, standard: true },
      { index: 2, event: event({ site: 'blog' }), userAgent: undefined },
    ];
    const { rows, refused } = judge(items);
    expect(refused).toEqual([]);
    expect(rows.map((row) => row.session_id)).toEqual(['made:blog', 's9', '']);
  });

  it("makes each item's row with its own visitor and page origin, however the request's items interleave them", () => {
    const phone: OtlpVisitor = { ...visitor, sender: { ...visitor.sender!, device: 'mobile', browser: 'Safari', os: 'iOS' } };
    const visitors: Record<string, OtlpVisitor> = { desktop: visitor, phone };
    // A link to the blog from a shop page: a step within the site only when the page is the blog's.
    const link = () => event({ site: 'shop', session: 's1', type: 'link_click', to: `${BLOG}/archive` });
    const items: OtlpItem[] = [
      { index: 0, event: link(), userAgent: 'desktop', origin: BLOG },
      { index: 1, event: link(), userAgent: 'desktop', origin: BLOG },
      { index: 2, event: link(), userAgent: 'phone', origin: BLOG },
      { index: 3, event: link(), userAgent: 'desktop', origin: SHOP },
      { index: 4, event: link(), userAgent: 'desktop', origin: BLOG },
      { index: 5, event: link(), userAgent: 'phone', origin: BLOG },
    ];
    const result = judgeOtlpItems(items, { visitorOf: (agent) => visitors[agent!]!, catalog, origin: undefined });
    expect(result.rows.map((row) => `${row.device}:${row.type}:${row.nav_to}`)).toEqual([
      'desktop:link_click:/archive',
      'desktop:link_click:/archive',
      'mobile:link_click:/archive',
      'desktop:link_click:/archive',
      'mobile:link_click:/archive',
    ]);
    // From the shop's own page the blog is another site: an outbound link, a type this catalog does not take (named as sent).
    expect(result.refused).toEqual([{ index: 3, reason: 'unknown_type', value: 'link_click', site: 'shop' }]);
  });
});
