// A site whose catalog entry lists its property keys (`props`) keeps only those on its events: an
// undeclared key is dropped from its event, the event itself is kept, and the key is shown on the
// refused list (`undeclared_prop`) so the owner can declare it or stop sending it. The tracker's
// own keys (contract RESERVED_PROP_KEYS: `scroll_depth` and a hotspot click's keys) are always kept: the catalog lists the site's keys.
import { RESERVED_PROP_KEYS } from '@footfall/contract';
import type { Catalog } from '../catalog/catalog.js';
import type { EventRow } from '../tables/index.js';

const RESERVED: ReadonlySet<string> = new Set(RESERVED_PROP_KEYS);

export interface DroppedProp {
  reason: 'undeclared_prop';
  /** The key dropped. */
  value: string;
  site: string;
}

/**
 * The rows with only their site's declared keys, and each key dropped (once per event). The rows
 * themselves when no key is dropped (the usual case): no copy per request.
 */
export function keepDeclaredProps(rows: readonly EventRow[], catalog: Catalog): { rows: readonly EventRow[]; dropped: DroppedProp[] } {
  const dropped: DroppedProp[] = [];
  let kept: EventRow[] | undefined;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    const declared = catalog.sites.get(row.site)?.props;
    if (declared === undefined) continue;
    const keys = Object.keys(row.props);
    const undeclared = keys.filter((key) => !declared.has(key) && !RESERVED.has(key));
    if (undeclared.length === 0) continue;
    for (const key of undeclared) dropped.push({ reason: 'undeclared_prop', value: key, site: row.site });
    kept ??= rows.slice();
    kept[index] = {
      ...row,
      props: Object.fromEntries(Object.entries(row.props).filter(([key]) => declared.has(key) || RESERVED.has(key))),
    };
  }
  return { rows: kept ?? rows, dropped };
}
