// What the OpenTelemetry browser tests start: the demo with the OpenTelemetry tier only,
// exporting OTLP/HTTP straight to the real ingest service, and Chromium.
import type { Browser } from 'playwright-core';
import { launchChromium, startDemo, type Demo } from './demo.js';
import { freePort, startIngest, type RunningIngest } from './ingest.js';

export interface OtelDemoStack {
  demo: Demo;
  ingest: RunningIngest;
  browser: Browser;
  close(): Promise<void>;
}

export async function startOtelDemoStack(): Promise<OtelDemoStack> {
  const port = await freePort();
  const demo = await startDemo({ mode: 'otel', collectorUrl: `http://127.0.0.1:${port}` });
  const [ingest, browser] = await Promise.all([startIngest({ port, origins: [demo.url] }), launchChromium()]);
  return {
    demo,
    ingest,
    browser,
    close: async () => {
      await browser.close();
      await demo.close();
      await ingest.stop();
    },
  };
}
