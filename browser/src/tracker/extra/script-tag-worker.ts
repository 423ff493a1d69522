/**
 * `footfall-worker.js`, the script tag's fourth file: the dedicated worker the lazy part starts
 * from this file's URL (`worker-send.ts`), so sending leaves the page's main thread. A file, not a
 * `blob:` URL: a strict Content-Security-Policy (`script-src 'self'`) allows a worker script of
 * the page's own origin, where creating a `blob:` worker is a violation the page reports.
 *
 * It says it runs (0), then sends each body it is given by `fetch` with `keepalive` (the request
 * outlives the page), again without it when the browser refuses that (its keepalive quota used
 * up), and says, by the body's number, that it has started its request: until then the page keeps
 * the body, to send it itself if it is left first (a worker dies with its page).
 */
postMessage(0);
self.onmessage = ({ data: [url, body, number] }: MessageEvent<[url: string, body: string, number: number]>) => {
  const send = (keepalive: boolean) => fetch(url, { method: 'POST', body, keepalive });
  send(true)
    .catch(() => send(false))
    .catch(() => {});
  postMessage(number);
};
