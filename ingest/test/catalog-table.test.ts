// The catalog table: written at every start from the catalog file, replaced whole, so what the
// dashboards list as "never clicked" is the catalog of the running service.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDataDir, queryRows, testApp } from './support/test-app.js';

const catalogFile = (rooms: unknown[]) => {
  const file = join(mkdtempSync(join(tmpdir(), 'footfall-catalog-table-')), 'catalog.json');
  writeFileSync(file, JSON.stringify({ sites: [{ id: 'shop', rooms }, { id: 'blog' }], eventTypes: ['page_view', 'object_click'] }));
  return file;
};

const ROWS_SQL = 'SELECT site, room, room_label, object, label, position FROM catalog_objects ORDER BY position';
const STAGING_SQL = "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'catalog_objects%' ORDER BY name";

const GOALS_SQL =
  'SELECT site, goal, position, target, event_type, path_like, url_like, object, props FROM catalog_goals ORDER BY site, position';
const GOALS_STAGING_SQL = "SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'catalog_goals%' ORDER BY name";

describe('the catalog_objects table', () => {
  it('holds the default catalog’s objects, labels and order once the service is ready', async () => {
    const app = await testApp();
    try {
      const rows = await queryRows(app, ROWS_SQL);
      expect(rows.map((row) => row.object)).toEqual([
        'guitar',
        'bookshelf',
        'laptop',
        'record-player',
        'camera',
        'plant',
        'poster',
        'desk-lamp',
      ]);
      expect(rows[0]).toEqual({
        site: 'portfolio',
        room: 'studio',
        room_label: 'studio',
        object: 'guitar',
        label: 'Acoustic guitar',
        position: 0,
      });
      expect(rows.map((row) => row.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    } finally {
      await app.close();
    }
  });

  it('is replaced whole at the next start with the edited catalog, leaving no staging table behind', async () => {
    const dataDir = freshDataDir();
    const first = await testApp({
      dataDir,
      catalogFile: catalogFile([{ id: 'studio', objects: [{ id: 'guitar' }, { id: 'lamp', label: 'Desk lamp' }] }]),
    });
    expect((await queryRows(first, ROWS_SQL)).map((row) => row.object)).toEqual(['guitar', 'lamp']);
    await first.close();

    const edited = [
      { id: 'studio', label: 'The studio', objects: [{ id: 'guitar', label: 'Acoustic guitar' }] },
      { id: 'attic', objects: [{ id: 'trunk' }, { id: 'cv-download', label: 'CV download' }] },
    ];
    const second = await testApp({ dataDir, catalogFile: catalogFile(edited) });
    try {
      expect(await queryRows(second, ROWS_SQL)).toEqual([
        { site: 'shop', room: 'studio', room_label: 'The studio', object: 'guitar', label: 'Acoustic guitar', position: 0 },
        { site: 'shop', room: 'attic', room_label: 'attic', object: 'trunk', label: 'trunk', position: 1 },
        { site: 'shop', room: 'attic', room_label: 'attic', object: 'cv-download', label: 'CV download', position: 2 },
      ]);
      expect((await queryRows(second, STAGING_SQL)).map((row) => row.name)).toEqual(['catalog_objects']);
    } finally {
      await second.close();
    }
  });

  it("holds the catalog's goals as the columns an event is matched on, replaced whole at the next start", async () => {
    const dataDir = freshDataDir();
    const file = join(mkdtempSync(join(tmpdir(), 'footfall-catalog-goals-')), 'catalog.json');
    const goals = [
      { name: 'Read 100%', page: '/blog/*_100%' },
      { name: 'Guitar', object: 'guitar' },
      { name: 'GitHub', outbound: 'https://github.com/*' },
      { name: 'CV', download: '*.pdf' },
      { name: 'Signed up', event: 'signup', props: { plan: 'pro' } },
    ];
    const write = (siteGoals: unknown[]) =>
      writeFileSync(
        file,
        JSON.stringify({
          sites: [{ id: 'shop', goals: siteGoals, rooms: [{ id: 'studio', objects: [{ id: 'guitar' }] }] }, { id: 'blog' }],
          eventTypes: ['page_view', 'object_click', 'outbound', 'download', 'signup'],
        }),
      );
    write(goals);
    const first = await testApp({ dataDir, catalogFile: file });
    try {
      expect(await queryRows(first, GOALS_SQL)).toEqual([
        {
          site: 'shop',
          goal: 'Read 100%',
          position: 0,
          target: 'page /blog/*_100%',
          event_type: 'page_view',
          path_like: '/blog/%\\_100\\%',
          url_like: '%',
          object: '',
          props: {},
        },
        {
          site: 'shop',
          goal: 'Guitar',
          position: 1,
          target: 'object guitar',
          event_type: 'object_click',
          path_like: '%',
          url_like: '%',
          object: 'guitar',
          props: {},
        },
        {
          site: 'shop',
          goal: 'GitHub',
          position: 2,
          target: 'outbound https://github.com/*',
          event_type: 'outbound',
          path_like: '%',
          url_like: 'https://github.com/%',
          object: '',
          props: {},
        },
        {
          site: 'shop',
          goal: 'CV',
          position: 3,
          target: 'download *.pdf',
          event_type: 'download',
          path_like: '%',
          url_like: '%.pdf',
          object: '',
          props: {},
        },
        {
          site: 'shop',
          goal: 'Signed up',
          position: 4,
          target: 'event signup plan=pro',
          event_type: 'signup',
          path_like: '%',
          url_like: '%',
          object: '',
          props: { plan: 'pro' },
        },
      ]);
    } finally {
      await first.close();
    }
    write(goals.slice(1, 2));
    const second = await testApp({ dataDir, catalogFile: file });
    try {
      expect((await queryRows(second, GOALS_SQL)).map((row) => row.goal)).toEqual(['Guitar']);
      expect((await queryRows(second, GOALS_STAGING_SQL)).map((row) => row.name)).toEqual(['catalog_goals']);
    } finally {
      await second.close();
    }
  });

  it('is emptied by a catalog without objects', async () => {
    const dataDir = freshDataDir();
    const withObjects = await testApp({ dataDir, catalogFile: catalogFile([{ id: 'studio', objects: [{ id: 'guitar' }] }]) });
    await withObjects.close();
    const without = await testApp({ dataDir, catalogFile: catalogFile([]) });
    try {
      expect(await queryRows(without, ROWS_SQL)).toEqual([]);
    } finally {
      await without.close();
    }
  });
});
