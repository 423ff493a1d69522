// The site of an OTLP item that names none (src/accept/otlp-sites.ts): the site whose catalog entry
// lists the page's origin, the first one when several do, none for an origin no site lists or
// without an origin.
import { describe, expect, it } from 'vitest';
import { siteOfOrigin } from '../src/accept/otlp-sites.js';
import { Catalog } from '../src/catalog/catalog.js';

const catalog = new Catalog({
  sites: [
    { id: 'shop', origins: ['https://shop.example', 'https://www.example'], rooms: [] },
    { id: 'blog', origins: ['https://blog.example', 'https://www.example'], rooms: [] },
  ],
  eventTypes: ['page_view'],
});

describe('siteOfOrigin()', () => {
  it("is the site whose origins hold the page's origin, the first one listed when several do", () => {
    expect(siteOfOrigin(catalog, 'https://shop.example')).toBe('shop');
    expect(siteOfOrigin(catalog, 'https://blog.example')).toBe('blog');
    expect(siteOfOrigin(catalog, 'https://www.example')).toBe('shop');
  });

  it('is none for an origin no site lists, and without an origin', () => {
    expect(siteOfOrigin(catalog, 'https://elsewhere.example')).toBeUndefined();
    expect(siteOfOrigin(catalog, undefined)).toBeUndefined();
  });
});
