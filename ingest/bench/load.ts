import autocannon from 'autocannon';

/** One load scenario against one server. */
export interface LoadOptions {
  url: string;
  path: string;
  contentType: string;
  /** A fresh body per request. */
  body: () => string | Buffer;
  eventsPerRequest: number;
  durationS: number;
  connections: number;
  /** Requests per second over all connections; unset means as fast as the server answers. */
  overallRate?: number;
  /** How many events a 2xx answer took; counted so the run can be checked against ClickHouse. */
  acceptedIn: (status: number, body: string) => number;
}

export interface LoadFigures {
  requestsPerSecond: number;
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  /** Non-2xx answers, errors and timeouts: a clean run has none. */
  failed: number;
  acceptedEvents: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  let acceptedEvents = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    overallRate: options.overallRate,
    requests: [
      {
        method: 'POST',
        path: options.path,
        headers: {
          'content-type': options.contentType,
          'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
        },
        setupRequest: (request) => ({ ...request, body: options.body() }),
        onResponse: (status, body) => {
          acceptedEvents += options.acceptedIn(status, body);
        },
      },
    ],
  });
  const ok = result['2xx'];
  const seconds = result.duration;
  return {
    requestsPerSecond: ok / seconds,
    eventsPerSecond: (ok / seconds) * options.eventsPerRequest,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
    acceptedEvents,
  };
}
