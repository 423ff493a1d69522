import type { EventFields } from './types.js';

/** The ingest service keeps at most this many characters of each campaign parameter. */
export const MAX_CAMPAIGN_LENGTH = 128;

/**
 * How the visitor arrived, for the first page view of a page load: the document's referrer and
 * the campaign parameters of the landing URL (`utm_source` ... `utm_content`, cut to 128
 * characters). The referrer goes as the browser gives it; the ingest service knows the site's
 * own hosts (the catalog's `origins`), so it, not the page, tells a step between the pages of a
 * multi-page site from an arrival from elsewhere, in no bytes of the tracker.
 */
export function landingFields(): EventFields {
  const fields: Record<string, string> = { referrer: document.referrer };
  // The five names in one pattern: fewer bytes than a list of them.
  new URLSearchParams(location.search).forEach((value, name) => {
    if (/^utm_(source|medium|campaign|term|content)$/.test(name)) fields[name] = value.slice(0, MAX_CAMPAIGN_LENGTH);
  });
  return fields as EventFields;
}
