import type { CoreHandle } from '../core-handle.js';

/** Where the default catalog lives in the repository; `CATALOG_FILE` may name another. */
export const CATALOG_FILE = 'ingest/catalog.json';

/**
 * Why an answer could not be read, and what the owner can do. A cross-origin answer without the
 * CORS header the ingest service gives only to the catalog's origins is hidden from the page, so
 * the page cannot tell a refused origin from a service that is down: it names both, and its own
 * origin with the file to add it to.
 */
export const opaqueRefusal = (origin: string, site: string, endpoint: string): string =>
  `the answer of ${endpoint} cannot be read from this page: the service is unreachable, or it refused this page's origin ` +
  `(CORS hides its answer). If it refused the origin, add ${origin} to the origins of site ${site} in the catalog ` +
  `(${CATALOG_FILE}, or the file CATALOG_FILE names)`;

const print = (...note: unknown[]) => console.debug('footfall', ...note);

/**
 * Debug mode: prints every note the core kept since the page started, then each new one as it
 * comes; and sends each beacon by `fetch`, whose answer can be read, printing the ingest service's
 * own message for anything it refused (an answer that refused nothing is no news) and explaining
 * an answer the browser hides.
 */
export function startDebugOutput(core: CoreHandle): void {
  const { notes, options } = core;
  for (const note of notes) print(...note);
  notes.length = 0;
  notes.push = (...added) => {
    for (const note of added) print(...note);
    return 0;
  };
  const { endpoint, site } = options;
  if (!endpoint) return;
  core.send = (body) =>
    fetch(endpoint, { method: 'POST', body, keepalive: true }).then(
      async (response) => {
        const answer = await response.text();
        if (!response.ok || !answer.includes('"refused":[]')) print('send', `${response.status} ${answer}`);
      },
      (error) => print('send', error, opaqueRefusal(location.origin, site, new URL(endpoint, location.href).origin)),
    );
}
