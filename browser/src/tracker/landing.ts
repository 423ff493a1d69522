import type { EventFields } from './types.js';

/**
 * How the visitor arrived, for the first page view of a page load: the document's referrer and
 * the landing URL's query string as it is (`search`). The ingest service takes the campaign
 * parameters from the query (the contract's `campaignOf`) and stores nothing else of it, and it
 * knows the site's own hosts (the catalog's `origins`), so it, not the page, tells a step between
 * the pages of a multi-page site from an arrival from elsewhere: both in no bytes of the tracker.
 */
export const landingFields = (): EventFields => ({ referrer: document.referrer, search: location.search });
