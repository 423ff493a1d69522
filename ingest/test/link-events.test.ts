import { EVENT_LIMITS } from '@footfall/contract';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../src/catalog/catalog.js';
import { type Sender, toEventRow } from '../src/events/to-event-row.js';

// Followed links (`outbound`, `download`) as the ingest service takes them: the link's URL is `to`,
// required, bounded like every text field, and stored without query or fragment even when a sender
// (not our tracker) leaves them on.

const NOW = Date.UTC(2026, 0, 15, 12);
const catalog = new Catalog({
  sites: [{ id: 'portfolio', origins: ['https://portfolio.example'], rooms: [] }],
  eventTypes: ['page_view', 'outbound', 'download'],
});
const sender: Sender = {
  source: 'beacon',
  site: undefined,
  visitorId: (site, session) => `visitor:${site}:${session}`,
  anonymise: false,
  device: 'desktop',
  browser: 'Chrome',
  os: 'Linux',
  country: 'NL',
  now: NOW,
};
const event = (fields: Record<string, unknown>) => ({ id: 'evt-00000001', ts: NOW, session: 's1', path: '/', ...fields });

describe('outbound and download events', () => {
  it.each(['outbound', 'download'])('%s keeps the URL in nav_to without query or fragment', (type) => {
    const { row } = toEventRow(event({ type, to: 'https://github.com/someone/cv.pdf?token=secret#page=2' }), catalog, sender);
    expect(row).toMatchObject({ type, nav_to: 'https://github.com/someone/cv.pdf', path: '/' });
  });

  it.each(['outbound', 'download'])('%s without a URL is refused as missing a field', (type) => {
    expect(toEventRow(event({ type }), catalog, sender)).toEqual({ reason: 'missing_field' });
  });

  it('refuses a URL past the bound of text fields', () => {
    const to = `https://example.org/${'a'.repeat(EVENT_LIMITS.textLength)}`;
    expect(toEventRow(event({ type: 'outbound', to }), catalog, sender)).toEqual({ reason: 'invalid_field' });
  });

  it('is a type the default catalog accepts', async () => {
    const { default: document } = await import('../catalog.json', { with: { type: 'json' } });
    expect(document.eventTypes).toEqual(expect.arrayContaining(['outbound', 'download']));
  });
});
