// The goals the seeded day is read with: one of each kind the catalog allows, each reached by some
// of the seed's visitors, and one nobody reaches (its row must still be there, with zeros).
import type { Catalog, CatalogGoal } from '../../src/catalog.js';

export const SEED_GOALS: CatalogGoal[] = [
  { name: 'Saw the projects', page: '/pro*' },
  { name: 'Played the guitar', object: 'guitar' },
  { name: 'Went to GitHub', outbound: 'https://github.com/*' },
  { name: 'Downloaded the CV', download: '*/cv.pdf' },
  { name: 'Read the home page to the end', event: 'time_spent', props: { scroll_depth: '100' } },
  // Reached right after object clicks, so the engagement path shows a goal as a next step.
  { name: 'Moved on', event: 'navigation' },
  { name: 'Said thanks', page: '/thanks' },
];

/** The catalog with the seed's goals on its first site. */
export function catalogWithGoals(catalog: Catalog): Catalog {
  return { ...catalog, sites: catalog.sites.map((site, index) => (index === 0 ? { ...site, goals: SEED_GOALS } : site)) };
}
