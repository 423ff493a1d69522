/**
 * The service's own count of accepted events (`footfall_events_accepted_total`), summed over
 * its labels, optionally of one source. The load generator stops counting answers at the end
 * of a scenario while the last requests are still in flight; the service counts those too, so
 * this is the number ClickHouse must match exactly.
 */
export async function acceptedByService(url: string, source?: 'beacon' | 'otlp'): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('footfall_events_accepted_total{')) continue;
    if (source && !line.includes(`source="${source}"`)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
