// A stored span or log record names the page's origin as the Collector's do (its resource/origin
// processor sets `portfolio.origin` from the same header): an item of no event (a web vital, a
// span no figure counts) is then found to be its site's by the catalog's origins, whether it was
// sent straight in or through the Collector.
import { ATTR } from '@footfall/contract';

/**
 * The row with the request's Origin header as its resource's `portfolio.origin`; the row itself
 * when there is no header or the resource names its own. The resource's map is shared by its
 * rows, so it is copied, never changed.
 */
export function withPageOrigin<Row extends { ResourceAttributes: Record<string, string> }>(row: Row, origin: string | undefined): Row {
  if (origin === undefined || row.ResourceAttributes[ATTR.origin] !== undefined) return row;
  return { ...row, ResourceAttributes: { ...row.ResourceAttributes, [ATTR.origin]: origin } };
}
