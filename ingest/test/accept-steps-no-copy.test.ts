// The steps between judging a beacon's events and logging them (the hotspot selector bound, the
// site's declared props) hand a request's rows on as they are when they change none, with no copy
// per request; a row they change is replaced in a copy and the rows given are left as they were.
// The bound forgets the names of days before yesterday at UTC midnight.
import { describe, expect, it } from 'vitest';
import { keepDeclaredProps } from '../src/accept/declared-props.js';
import { Catalog } from '../src/catalog/catalog.js';
import { MAX_SELECTORS_PER_PAGE, OTHER_ELEMENTS, SelectorBound } from '../src/hotspots/selector-bound.js';
import type { EventRow } from '../src/tables/index.js';
import { eventRow } from './support/event-rows.js';

const DAY_MS = 86_400_000;

function click(id: string, selector: string, ts = Date.now()): EventRow {
  return eventRow({ event_id: id, session_id: 's', type: 'ui_click', ts, path: '/page', props: { selector, viewport: 'desktop' } });
}

describe('the steps between judging and logging', () => {
  it('give a request that has no click and no undeclared key its rows back, not a copy', () => {
    const rows = [eventRow({ event_id: 'a', session_id: 's' }), eventRow({ event_id: 'b', session_id: 's', props: { plan: 'pro' } })];
    const catalog = new Catalog({ sites: [{ id: 'portfolio', rooms: [], props: ['plan'] }], eventTypes: ['page_view'] });
    const bounded = new SelectorBound().bound(rows);
    expect(bounded).toBe(rows);
    expect(keepDeclaredProps(bounded, catalog).rows).toBe(rows);
  });

  it('replace only the rows they change, in a copy, and leave the rows given as they were', () => {
    const bound = new SelectorBound();
    const names = Array.from({ length: MAX_SELECTORS_PER_PAGE }, (_, index) => click(`n-${index}`, `#el-${index}`));
    expect(bound.bound(names)).toBe(names);

    const rows = [eventRow({ event_id: 'view', session_id: 's' }), click('late', '#one-too-many'), click('known', '#el-0')];
    const bounded = bound.bound(rows);
    expect(bounded).not.toBe(rows);
    expect(bounded[0]).toBe(rows[0]);
    expect(bounded[1]!.props.selector).toBe(OTHER_ELEMENTS);
    expect(rows[1]!.props.selector).toBe('#one-too-many');
    expect(bounded[2]).toBe(rows[2]);

    const catalog = new Catalog({ sites: [{ id: 'portfolio', rooms: [], props: ['plan'] }], eventTypes: ['page_view'] });
    const withKeys = [eventRow({ event_id: 'x', session_id: 's', props: { plan: 'pro', other: 'y' } }), rows[0]!];
    const { rows: kept, dropped } = keepDeclaredProps(withKeys, catalog);
    expect(kept.map((row) => row.props)).toEqual([{ plan: 'pro' }, {}]);
    expect(kept[1]).toBe(withKeys[1]);
    expect(withKeys[0]!.props).toEqual({ plan: 'pro', other: 'y' });
    expect(dropped).toEqual([{ reason: 'undeclared_prop', value: 'other', site: 'portfolio' }]);
  });

  it("forget a page's names of the day before yesterday at UTC midnight, and hold them until then", () => {
    // A test double for the clock only: the day is what is tested.
    const midnight = Date.UTC(2026, 11, 7);
    let now = midnight - 60_000;
    const bound = new SelectorBound(() => now);
    const yesterday = midnight - DAY_MS - 3_600_000;
    const full = Array.from({ length: MAX_SELECTORS_PER_PAGE }, (_, index) => click(`n-${index}`, `#el-${index}`, yesterday));
    bound.bound(full);

    // Still the day after: yesterday's page is full, a new name goes under other elements.
    const [before] = bound.bound([click('before', '#new', yesterday)]);
    expect(before!.props.selector).toBe(OTHER_ELEMENTS);

    // Past midnight that day is the day before yesterday: its names are let go, the page starts again.
    now = midnight + 60_000;
    const [after] = bound.bound([click('after', '#new', yesterday)]);
    expect(after!.props.selector).toBe('#new');
  });
});
