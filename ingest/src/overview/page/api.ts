// The read API as the page uses it: JSON with the bearer token when one is set, and the live
// stream read through fetch. EventSource cannot send an Authorization header, so the stream is a
// fetch whose body is read as Server-Sent Events: the token travels in the header, never in a URL
// (where proxies and logs would keep it). A shared link (`/#share=<secret>`) brings a read-only
// key of one site in the fragment, which browsers never send; it is sent as the token is.

import type { Filters, Sites, Stats } from './types.js';

const TOKEN_KEY = 'footfall-token';
const SHARED_KEY = 'footfall-shared';
const SHARE = /^#share=([A-Za-z0-9_-]{16,})$/;

export class Unauthorized extends Error {}

/**
 * The secret of a shared link, taken out of the address at once, so the address bar (and a copy
 * of it) no longer holds it; null when the page was not opened through one.
 */
function takeSharedSecret(): string | null {
  const secret = SHARE.exec(location.hash)?.[1];
  if (secret === undefined) return null;
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
  return secret;
}

export class Api {
  /** Kept for this tab only (sessionStorage): closing the tab forgets it. */
  token: string | null;
  /** Whether the token is a shared link's secret: a refusal then means the link was revoked, not mistyped. */
  shared: boolean;

  constructor() {
    const secret = takeSharedSecret();
    if (secret !== null) {
      sessionStorage.setItem(TOKEN_KEY, secret);
      sessionStorage.setItem(SHARED_KEY, 'true');
    }
    this.token = sessionStorage.getItem(TOKEN_KEY);
    this.shared = sessionStorage.getItem(SHARED_KEY) === 'true';
  }

  remember(token: string): void {
    this.token = token;
    this.shared = false;
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.removeItem(SHARED_KEY);
  }

  forget(): void {
    this.token = null;
    this.shared = false;
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(SHARED_KEY);
  }

  /** The headers of a request of the page: `accept`, and the bearer token when one is set. */
  headers(accept: string): Record<string, string> {
    return this.token ? { accept, authorization: `Bearer ${this.token}` } : { accept };
  }

  async #get<T>(path: string): Promise<T> {
    const response = await fetch(path, { headers: this.headers('application/json') });
    if (response.status === 401) throw new Unauthorized();
    if (!response.ok) throw new Error(await describe(response));
    return (await response.json()) as T;
  }

  /** Whether the service wants a token: known before any data request, so the page never draws a 401. */
  async tokenRequired(): Promise<boolean> {
    const response = await fetch('/overview/settings.json');
    return ((await response.json()) as { token_required: boolean }).token_required;
  }

  sites(): Promise<Sites> {
    return this.#get('/api/sites');
  }

  /** `period`: `{ range }` or `{ from, to }`, and `compare`, as the query string takes them. */
  stats(site: string, period: Record<string, string>, filters: Filters): Promise<Stats> {
    return this.#get(`/api/stats?${new URLSearchParams({ site, ...period, ...filters })}`);
  }

  /** Calls `onStats` with every summary the stream sends until `signal` aborts; resolves when the stream ends. */
  async stream(
    site: string,
    period: Record<string, string>,
    filters: Filters,
    onStats: (stats: Stats) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const response = await fetch(`/api/stream?${new URLSearchParams({ site, ...period, ...filters })}`, {
      headers: this.headers('text/event-stream'),
      signal,
    });
    if (response.status === 401) throw new Unauthorized();
    if (!response.ok || !response.body) throw new Error(await describe(response));
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffered += value;
      // Messages end with a blank line; comments (heartbeats) start with ":".
      let end: number;
      while ((end = buffered.indexOf('\n\n')) !== -1) {
        const message = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const data = message
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (data && /^event: ?stats$/m.test(message)) onStats(JSON.parse(data) as Stats);
      }
    }
  }
}

async function describe(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: string };
    return body.message ?? `${response.status} ${response.statusText}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}
