// The two questions the tests and the stack ask Prometheus's HTTP API.

export interface ScrapeTarget {
  job: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  scrapeUrl: string;
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

async function getData<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus ${url}: ${body.error ?? response.status}`);
  return body.data;
}

export async function activeTargets(baseUrl: string): Promise<ScrapeTarget[]> {
  type Raw = { labels: Record<string, string>; health: ScrapeTarget['health']; lastError: string; scrapeUrl: string };
  const data = await getData<{ activeTargets: Raw[] }>(`${baseUrl}/api/v1/targets?state=active`);
  return data.activeTargets.map((t) => ({
    job: t.labels.job ?? '',
    health: t.health,
    lastError: t.lastError,
    scrapeUrl: t.scrapeUrl,
  }));
}

/** An instant query; returns the vector's samples. */
export async function instantQuery(baseUrl: string, expr: string): Promise<Sample[]> {
  type Raw = { metric: Record<string, string>; value: [number, string] };
  const data = await getData<{ resultType: string; result: Raw[] }>(`${baseUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  return data.result.map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
}
