// The catalog file as its owner writes it: the default one loads, defaults are filled in, and every
// mistake stops the start with the bad entry named by its path in the file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogError, loadCatalog } from '../src/catalog/catalog.js';
import { loadConfig } from '../src/config.js';

const TYPES = ['page_view', 'object_click'];

const write = (content: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-catalog-')), 'catalog.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

/** The problems a catalog is refused for, as `path: message` lines. */
function problemsOf(content: unknown): string[] {
  try {
    loadCatalog(write(content));
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return (error as CatalogError).problems.map((problem) => `${problem.path}: ${problem.message}`);
  }
  throw new Error('the catalog was accepted');
}

const site = (fields: Record<string, unknown> = {}) => ({ id: 'mysite', origins: ['https://www.example.com'], ...fields });

describe('the catalog', () => {
  it('loads the default file: one site, one room of eight objects, the event types', () => {
    const catalog = loadCatalog(loadConfig({}).catalogFile);
    const portfolio = catalog.sites.get('portfolio')!;
    expect(portfolio.objects).toHaveLength(8);
    expect(portfolio.objectRooms.get('guitar')).toBe('studio');
    expect([...catalog.eventTypes]).toEqual([
      'page_view',
      'room_enter',
      'room_exit',
      'object_view',
      'object_click',
      'navigation',
      'time_spent',
      // Followed links and hotspots: the tracker sends them without tagging.
      'outbound',
      'download',
      'ui_click',
    ]);
    expect([...portfolio.origins]).toEqual(['http://localhost:5173', 'http://127.0.0.1:5173']);
    expect(catalog.origins.has('http://localhost:5173')).toBe(true);
  });

  it('fills in what may be left out: no origins, no rooms, no objects, no labels', () => {
    const catalog = loadCatalog(
      write({
        sites: [
          { id: 'pages-only' },
          { id: 'with-room', rooms: [{ id: 'hall' }, { id: 'studio', objects: [{ id: 'lamp' }, { id: 'desk', label: 'Oak desk' }] }] },
        ],
        eventTypes: TYPES,
      }),
    );
    expect(catalog.defaultSite).toBe('pages-only');
    expect(catalog.sites.get('pages-only')).toMatchObject({ objects: [], rooms: new Set() });
    expect(catalog.sites.get('pages-only')!.origins.size).toBe(0);
    expect(catalog.sites.get('with-room')!.objectRooms).toEqual(
      new Map([
        ['lamp', 'studio'],
        ['desk', 'studio'],
      ]),
    );
    expect(catalog.document.sites[1]!.rooms[1]!.objects).toEqual([
      { id: 'lamp', label: 'lamp' },
      { id: 'desk', label: 'Oak desk' },
    ]);
    expect(catalog.document.sites[0]).toEqual({ id: 'pages-only', origins: [], rooms: [] });
  });

  it('names the file when it cannot be read or is not JSON', () => {
    const file = write('{');
    expect(() => loadCatalog(file)).toThrow(`catalog ${file} cannot be used`);
    expect(problemsOf('{')[0]).toMatch(/^\(file\): is not JSON/);
    expect(() => loadCatalog(join(tmpdir(), 'no-such-dir-footfall', 'catalog.json'))).toThrow(/\(file\): cannot be read: ENOENT/);
  });

  it('names the bad entry by its path for every mistake of shape, all of them at once', () => {
    expect(problemsOf({ sites: [], eventTypes: TYPES })).toEqual(['sites: must list at least 1']);
    expect(problemsOf({ sites: [site()] })).toEqual(['(top level): needs "eventTypes"']);
    expect(
      problemsOf({
        sites: [
          site({
            rooms: [
              { id: 'studio', objects: [{ id: 'guitar' }] },
              { id: 'attic', objects: [{ id: 'ok' }, { id: 'ok2' }, { id: 'CV Download' }] },
            ],
          }),
        ],
        eventTypes: TYPES,
      }),
    ).toEqual([
      'sites[0].rooms[1].objects[2].id: "CV Download" is not an id: ids are 1 to 64 characters of a-z, 0-9, "-" and "_", starting with a letter or digit',
    ]);
    expect(problemsOf({ sites: [site({ rooms: [{ objects: [] }], colour: 'red' })], eventTypes: TYPES })).toEqual([
      'sites[0]: has "colour", which the catalog does not know; allowed: id, origins, timezone, props, downloads, goals, rooms',
      'sites[0].rooms[0]: needs "id"',
    ]);
    expect(problemsOf({ sites: [site({ origins: 'https://www.example.com' })], eventTypes: TYPES })).toEqual([
      'sites[0].origins: must be array',
    ]);
  });

  it('reads each site in its own time zone, UTC unless it names one, and refuses a zone Node.js does not know', () => {
    const catalog = loadCatalog(write({ sites: [site(), site({ id: 'kiwi', timezone: 'Pacific/Auckland' })], eventTypes: TYPES }));
    expect(catalog.sites.get('mysite')!.timeZone).toBe('UTC');
    expect(catalog.sites.get('kiwi')!.timeZone).toBe('Pacific/Auckland');
    expect(problemsOf({ sites: [site(), site({ id: 'mars', timezone: 'Mars/Olympus_Mons' })], eventTypes: TYPES })).toEqual([
      'sites[1].timezone: "Mars/Olympus_Mons" is not a time zone this Node.js knows; write an IANA name such as "Europe/Berlin", "America/Los_Angeles" or "UTC"',
    ]);
  });

  it('refuses ids used twice and an object in two rooms', () => {
    const rooms = [
      { id: 'studio', objects: [{ id: 'guitar' }, { id: 'lamp' }] },
      { id: 'attic', objects: [{ id: 'trunk' }, { id: 'guitar' }] },
      { id: 'studio' },
    ];
    expect(problemsOf({ sites: [site({ rooms }), site()], eventTypes: [...TYPES, 'page_view'] })).toEqual([
      'sites[0].rooms[1].objects[1].id: "guitar" is already sites[0].rooms[0].objects[0].id: an object stands in one room only',
      'sites[0].rooms[2].id: "studio" is already the id of sites[0].rooms[0]',
      'sites[1].id: "mysite" is already the id of sites[0]',
      'eventTypes[2]: "page_view" is listed twice (also eventTypes[0])',
    ]);
  });

  it('refuses origins written the way no browser sends them, saying how to write them', () => {
    const origins = [
      '*',
      'https://www.example.com/',
      'HTTPS://WWW.EXAMPLE.COM',
      'https://www.example.com:443',
      'ftp://files.example.com',
      'http://localhost:3000',
      'http://localhost:3000',
    ];
    expect(problemsOf({ sites: [site({ origins })], eventTypes: TYPES })).toEqual([
      'sites[0].origins[0]: "*" is not an origin; write it as scheme://host[:port], e.g. "https://www.example.com"',
      'sites[0].origins[1]: "https://www.example.com/" is not written the way browsers send it; write "https://www.example.com" (no path, no trailing slash, no default port, lower case)',
      'sites[0].origins[2]: "HTTPS://WWW.EXAMPLE.COM" is not written the way browsers send it; write "https://www.example.com" (no path, no trailing slash, no default port, lower case)',
      'sites[0].origins[3]: "https://www.example.com:443" is not written the way browsers send it; write "https://www.example.com" (no path, no trailing slash, no default port, lower case)',
      'sites[0].origins[4]: "ftp://files.example.com" is not an http or https origin',
      'sites[0].origins[6]: "http://localhost:3000" is listed twice (also sites[0].origins[5])',
    ]);
  });

  it('refuses an event type that is a typo of a known one and accepts a type of the owner’s own', () => {
    expect(problemsOf({ sites: [site()], eventTypes: ['page_view', 'objet_click'] })).toEqual([
      'eventTypes[1]: "objet_click" is not a known event type; did you mean "object_click"? (known: page_view, room_enter, room_exit, object_view, object_click, navigation, time_spent, outbound, download, link_click, ui_click; a type of your own must differ from them by more than a typo)',
    ]);
    const catalog = loadCatalog(write({ sites: [site()], eventTypes: ['page_view', 'signup'] }));
    expect([...catalog.eventTypes]).toEqual(['page_view', 'signup']);
  });

  it('says in the message where to read about the format and lists every problem', () => {
    const file = write({ sites: [site({ id: 'A' }), site({ id: 'B' })], eventTypes: TYPES });
    expect(() => loadCatalog(file)).toThrow(
      `catalog ${file} cannot be used (see docs/catalog.md):\n  sites[0].id: "A" is not an id: ids are 1 to 64 characters of a-z, 0-9, "-" and "_", starting with a letter or digit\n  sites[1].id: "B" is not an id`,
    );
  });
});
