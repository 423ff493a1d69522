/**
 * Sends one beacon body without ever blocking the page. `sendBeacon` with a string goes out as
 * `text/plain`, which needs no CORS preflight and survives the page being closed. When the browser
 * refuses it (quota used up, or no sendBeacon), `fetch` with `keepalive` is the fallback; its
 * failure is only reported, the page never sees it. In debug mode every body goes by `fetch`, so
 * the ingest service's answer (each refused event with its reason and value) reaches the console.
 */
export function createTransport(endpoint: string, ignored: (reason: string, detail?: unknown) => void, debug?: boolean) {
  // One reason for a refusal in the answer and for a failure: the detail tells them apart.
  const sent = ignored.bind(0, 'send');
  return (body: string): unknown =>
    (!debug && navigator.sendBeacon?.(endpoint, body)) ||
    fetch(endpoint, { method: 'POST', body, keepalive: true })
      .then((response) => response.text())
      // An answer that refused nothing is no news.
      .then((answer) => answer.includes('"refused":[]') || sent(answer), sent);
}
