// What the service's log lines say of a request: its method and route, never its query string,
// and never the sender's address. A query can carry anything a sender put there (a shared link's
// secret, a token, an address), an IP address is personal data the service otherwise never keeps,
// and log lines outlive every erasure; the route names what was asked just as well.

/** What these functions read of a request (fastify's request, whatever its server type). */
interface RequestFields {
  method: string;
  url: string;
  routeOptions: { url?: string | undefined };
  headers?: Record<string, string | string[] | undefined>;
  host?: string;
}

/** A request target without its query (a fragment never reaches a server). */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Where a request went, for a log line: the route pattern it matched (`/api/visitors/:id`, so no id
 * or other value from the path either), or the path without its query when no route matched.
 */
export function requestPlace(request: RequestFields): { method: string; route: string } | { method: string; path: string } {
  const route = request.routeOptions.url;
  return route === undefined ? { method: request.method, path: pathOf(request.url) } : { method: request.method, route };
}

/**
 * Fastify's `req` serializer (used by its own request lines, and by any line given `{ req }`), as
 * fastify's own but with the URL's query dropped and without the client's address and port.
 */
export function serializeRequest(request: RequestFields) {
  const version = request.headers?.['accept-version'];
  return {
    method: request.method,
    url: pathOf(request.url),
    version: typeof version === 'string' ? version : undefined,
    host: request.host,
  };
}
