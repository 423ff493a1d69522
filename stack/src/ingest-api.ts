// Reading back what a running ingest service stored and counted, through its HTTP API (for tests
// and load runs of every package).

export interface StoredEvent {
  event_id: string;
  type: string;
  session_id: string;
  source: string;
  object_id: string;
  path: string;
}

/** The newest stored events of one session (at most 1000, the API's limit). */
export async function storedEvents(ingestUrl: string, session: string): Promise<StoredEvent[]> {
  const response = await fetch(`${ingestUrl}/api/events?session=${encodeURIComponent(session)}&limit=1000`);
  if (!response.ok) throw new Error(`/api/events answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { events: StoredEvent[] }).events;
}

/**
 * The sum of the samples of one metric whose labels include `labels`, from a Prometheus text
 * exposition. Written here because it needs only exact label matching on prom-client's output,
 * one regular expression, where a full parser library would add a dependency for nothing.
 */
export function sampleSum(exposition: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[3] ?? '';
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) sum += Number(match[4]);
  }
  return sum;
}

export async function ingestMetric(ingestUrl: string, name: string, labels: Record<string, string>): Promise<number> {
  const response = await fetch(`${ingestUrl}/metrics`);
  return sampleSum(await response.text(), name, labels);
}
