import { CAMPAIGN_FIELDS, campaignOf, EVENT_LIMITS } from '@footfall/contract';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../src/catalog/catalog.js';
import { shapeProblem } from '../src/events/event-shape.js';
import { type Sender, toEventRow } from '../src/events/to-event-row.js';

// The script tag sends a landing page view's query string as it is (`search`); the ingest service
// takes the campaign fields from it, by the contract's one function, and keeps nothing else of it.

const NOW = 1_700_000_000_000;
const catalog = new Catalog({
  sites: [{ id: 'portfolio', origins: ['https://portfolio.example'], rooms: [] }],
  eventTypes: ['page_view'],
});
const sender: Sender = {
  source: 'beacon',
  site: undefined,
  visitorId: () => 'visitor',
  anonymise: false,
  device: 'desktop',
  browser: 'Chrome',
  os: 'Linux',
  country: '',
  now: NOW,
};
const pageView = (fields: Record<string, unknown>) => ({
  id: 'evt-00000001',
  type: 'page_view',
  ts: NOW,
  session: 's1',
  path: '/',
  ...fields,
});

const LONG = 'c'.repeat(200);
const SECRET = 'ada%40example.org';
const SEARCH = `?utm_source=newsletter&utm_medium=email&utm_campaign=spring%20launch&utm_term=3d+room&utm_content=${LONG}&utm_id=ignored&email=${SECRET}`;

describe('campaign fields of a landing query', () => {
  it('are the five utm_* parameters, decoded and cut to 128 characters, and nothing else', () => {
    expect(campaignOf(SEARCH)).toEqual({
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'spring launch',
      utm_term: '3d room',
      utm_content: 'c'.repeat(EVENT_LIMITS.campaignLength),
    });
    expect(campaignOf('utm_source=a&utm_source=b')).toEqual({ utm_source: 'a' });
    expect(campaignOf('')).toEqual({});
    expect(campaignOf('?q=1')).toEqual({});
  });

  it('fill the stored campaign columns, and no column holds anything else of the query', () => {
    const { row } = toEventRow(pageView({ search: SEARCH }), catalog, sender);
    expect(row).toMatchObject({
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'spring launch',
      utm_term: '3d room',
      utm_content: 'c'.repeat(128),
      path: '/',
    });
    const stored = JSON.stringify(row);
    for (const leftOver of ['utm_id', 'ignored', 'email=', 'ada', 'example.org', '?']) expect(stored).not.toContain(leftOver);
    expect(Object.keys(row!)).not.toContain('search');
  });

  it('leave the columns empty without a query, and give way to campaign fields the event names itself', () => {
    const { row } = toEventRow(pageView({ search: '' }), catalog, sender);
    for (const field of CAMPAIGN_FIELDS) expect(row![field]).toBe('');
    const named = toEventRow(pageView({ search: '?utm_source=query&utm_medium=query', utm_source: 'field' }), catalog, sender).row;
    expect(named).toMatchObject({ utm_source: 'field', utm_medium: 'query' });
  });

  it('come from a query of at most 8,192 characters: a longer one is refused as invalid_field', () => {
    const at = (length: number) => `?utm_source=a&q=${'x'.repeat(length - 16)}`;
    expect(at(EVENT_LIMITS.searchLength)).toHaveLength(8192);
    expect(shapeProblem(pageView({ search: at(8192) }))).toBeUndefined();
    expect(shapeProblem(pageView({ search: at(8193) }))).toBe('invalid_field');
    expect(shapeProblem(pageView({ search: 1 }))).toBe('invalid_field');
  });
});
