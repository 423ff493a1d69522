// A steady flow of analytics spans to the Collector, keeping the ids of every span in a request
// the Collector accepted (2xx). Requests that fail (the Collector restarting) are counted apart:
// what was never accepted is not owed.
import { setTimeout as sleep } from 'node:timers/promises';
import { postTraces, tracesRequest } from './otlp-json.js';

export interface SpanFlowResult {
  acceptedSpanIds: string[];
  failedRequests: number;
}

export interface SpanFlow {
  stop(): Promise<SpanFlowResult>;
}

export function startSpanFlow(collectorUrl: () => string, session: string, { intervalMs = 100, spansPerRequest = 4 } = {}): SpanFlow {
  const acceptedSpanIds: string[] = [];
  let failedRequests = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { body, spanIds } = tracesRequest(
        Array.from({ length: spansPerRequest }, () => ({ type: 'object_click', session, object: 'laptop' })),
      );
      try {
        const response = await postTraces(collectorUrl(), body);
        if (response.ok) acceptedSpanIds.push(...spanIds);
        else failedRequests++;
        await response.body?.cancel();
      } catch {
        failedRequests++;
      }
      await sleep(intervalMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { acceptedSpanIds, failedRequests };
    },
  };
}
