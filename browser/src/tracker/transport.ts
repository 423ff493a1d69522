/**
 * Sends one beacon body without ever blocking the page. `sendBeacon` with a string goes out as
 * `text/plain`, which needs no CORS preflight and survives the page being closed. When the browser
 * refuses it (quota used up, or no sendBeacon), `fetch` with `keepalive` is the fallback; its
 * failure is only reported, the page never sees it. Reading the ingest service's answer is debug
 * output, so it lives in the lazily loaded part (`extra/debug-output.ts`), which replaces this.
 */
export const createTransport =
  (endpoint: string, ignored: (reason: string, detail?: unknown) => void) =>
  (body: string): unknown =>
    navigator.sendBeacon?.(endpoint, body) || fetch(endpoint, { method: 'POST', body, keepalive: true }).catch(ignored);
