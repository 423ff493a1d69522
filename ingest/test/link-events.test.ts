import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DOWNLOADS, EVENT_LIMITS } from '@footfall/contract';
import { describe, expect, it } from 'vitest';
import { Catalog, CatalogError, loadCatalog } from '../src/catalog/catalog.js';
import { type Sender, toEventRow } from '../src/events/to-event-row.js';

// Followed links (`outbound`, `download`) as the ingest service takes them: the link's URL is `to`,
// required, bounded like every text field, and stored without query or fragment even when a sender
// (not our tracker) leaves them on.

const NOW = Date.UTC(2026, 0, 15, 12);
const catalog = new Catalog({
  sites: [
    { id: 'portfolio', origins: ['https://portfolio.example'], rooms: [] },
    // A site with its own list of downloads, in place of the default one.
    { id: 'slides', origins: ['https://slides.example', 'https://www.slides.example'], rooms: [], downloads: ['key', 'pdf'] },
  ],
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

// `link_click` as the script tag's core sends it: the link's URL as the browser resolved it, judged
// here by the site's catalog entry.
describe('link_click', () => {
  const judged = (to: string, site = 'portfolio') => toEventRow(event({ type: 'link_click', to, site }), catalog, sender);

  it('to another host is stored as outbound, without query, fragment or credentials', () => {
    expect(judged('https://someone:secret@github.com/someone?tab=repositories#top').row).toMatchObject({
      type: 'outbound',
      nav_to: 'https://github.com/someone',
    });
  });

  it.each(DEFAULT_DOWNLOADS)('to a .%s file is a download by the default list, wherever it lives', (extension) => {
    expect(judged(`https://portfolio.example/files/cv.${extension}?v=3`).row).toMatchObject({
      type: 'download',
      nav_to: `https://portfolio.example/files/cv.${extension}`,
    });
    expect(judged(`https://cdn.example/CV.${extension.toUpperCase()}`).row).toMatchObject({ type: 'download' });
  });

  it("a site's own list replaces the default one", () => {
    expect(judged('https://slides.example/talk.key', 'slides').row).toMatchObject({
      type: 'download',
      nav_to: 'https://slides.example/talk.key',
    });
    expect(judged('https://slides.example/talk.pdf', 'slides').row).toMatchObject({ type: 'download' });
    // zip is on the default list, not on this site's: a page of the site's own, so not stored.
    expect(judged('https://www.slides.example/talk.zip', 'slides').row).toMatchObject({ type: 'link_click', nav_to: '/talk.zip' });
    expect(judged('https://elsewhere.example/talk.zip', 'slides').row).toMatchObject({ type: 'outbound' });
  });

  it('within the site (one of its origins) stays a link_click with the path, which the store does not keep', () => {
    expect(judged('https://portfolio.example/about?tab=1#me').row).toMatchObject({ type: 'link_click', nav_to: '/about' });
    // Another scheme or port is another origin: another site.
    expect(judged('http://portfolio.example/about').row).toMatchObject({ type: 'outbound', nav_to: 'http://portfolio.example/about' });
  });

  it("within the page's own origin stays a link_click, though the catalog lists no such origin (OTLP through the Collector)", () => {
    const link = event({ type: 'link_click', site: 'portfolio', to: 'http://127.0.0.1:5173/about' });
    expect(toEventRow(link, catalog, { ...sender, source: 'otlp', pageOrigin: 'http://127.0.0.1:5173' }).row).toMatchObject({
      type: 'link_click',
      nav_to: '/about',
    });
    // Without the page's origin, the same link is judged by the catalog alone: another site.
    expect(toEventRow(link, catalog, { ...sender, source: 'otlp' }).row).toMatchObject({ type: 'outbound' });
  });

  it('to no web address keeps nothing of it (an e-mail address)', () => {
    expect(judged('mailto:me@example.com').row).toMatchObject({ type: 'link_click', nav_to: '' });
    expect(judged('tel:+3100000000').row).toMatchObject({ type: 'link_click', nav_to: '' });
    expect(judged('not a url').row).toMatchObject({ type: 'link_click', nav_to: '' });
  });

  it('without a URL is refused as missing a field', () => {
    expect(toEventRow(event({ type: 'link_click' }), catalog, sender)).toEqual({ reason: 'missing_field' });
  });

  it("the catalog's downloads are checked: lower case extensions without a dot", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'footfall-catalog-'));
    try {
      const file = join(dir, 'catalog.json');
      await writeFile(file, JSON.stringify({ sites: [{ id: 'portfolio', rooms: [], downloads: ['.pdf'] }], eventTypes: ['page_view'] }));
      expect(() => loadCatalog(file)).toThrow(CatalogError);
      expect(() => loadCatalog(file)).toThrow(/downloads/);
      await writeFile(file, JSON.stringify({ sites: [{ id: 'portfolio', rooms: [], downloads: ['key'] }], eventTypes: ['page_view'] }));
      expect([...loadCatalog(file).sites.get('portfolio')!.downloads]).toEqual(['key']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
