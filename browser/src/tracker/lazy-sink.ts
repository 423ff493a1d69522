import type { EventSink, FootfallEvent, OpenTelemetryModule, OpenTelemetryOptions } from './types.js';

/** Events recorded before the OpenTelemetry tier has loaded; past this they are dropped and reported. */
const MAX_PENDING = 100;

/**
 * Loads the OpenTelemetry tier once the page is idle, so it never competes with the first paint,
 * and replays what was recorded meanwhile. If loading fails the events are reported and dropped.
 */
export function createLazySink(
  load: () => Promise<OpenTelemetryModule>,
  options: OpenTelemetryOptions,
  ignored: (reason: string, detail?: unknown) => void,
): EventSink {
  let sink: EventSink | undefined;
  const pending: FootfallEvent[] = [];
  const start = () =>
    load().then(
      (module) => {
        sink = module.startOpenTelemetry(options);
        pending.map(sink.record);
      },
      ignored.bind(0, 'otel_load_failed'),
    );
  (self.requestIdleCallback || setTimeout)(start, { timeout: 2000 } as never);
  return {
    record: (event) => (sink ? sink.record(event) : pending.length < MAX_PENDING ? pending.push(event) : ignored('otel_unavailable')),
    flush: () => sink?.flush(),
  };
}
