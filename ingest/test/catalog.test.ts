import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/catalog.js';
import { loadConfig } from '../src/config.js';

const write = (content: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-catalog-')), 'catalog.json');
  writeFileSync(file, content);
  return file;
};

describe('the catalog', () => {
  it('loads the default file: one site, one room of eight objects, the event types', () => {
    const catalog = loadCatalog(loadConfig({}).catalogFile);
    const site = catalog.sites.get('portfolio')!;
    expect(site.objects).toHaveLength(8);
    expect(site.objectRooms.get('guitar')).toBe('studio');
    expect([...catalog.eventTypes]).toEqual(expect.arrayContaining(['page_view', 'room_enter', 'room_exit', 'object_view', 'object_click', 'navigation', 'time_spent']));
    expect(catalog.origins.has('http://localhost:5173')).toBe(true);
  });

  it('refuses a broken file, naming the file and the problem', () => {
    expect(() => loadCatalog(write('{'))).toThrow(/catalog .*catalog\.json/);
    expect(() => loadCatalog(write('{"sites": [], "eventTypes": ["page_view"]}'))).toThrow(/\/sites/);
    expect(() => loadCatalog(write('{"sites": [{"id": "Bad Id", "origins": [], "rooms": []}], "eventTypes": ["x"]}'))).toThrow(/\/sites\/0\/id/);
    expect(() => loadCatalog(write('{"sites": [{"id": "a", "origins": ["*"], "rooms": []}], "eventTypes": ["x"]}'))).toThrow(/origins/);
  });
});
