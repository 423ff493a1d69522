// Bundled for Chromium by otel-js-chromium.test.ts: a plain OpenTelemetry JS setup as a site that
// already traces its pages has it, and as docs/otel-existing.md advises it (a batch exported about
// every second, flushed when the page is hidden). No `portfolio.*` attribute: the page names only
// where it exports, and, when the test asks for the documented fallback, `portfolio.site` on its
// resource.
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
import { UserInteractionInstrumentation } from '@opentelemetry/instrumentation-user-interaction';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, WebTracerProvider } from '@opentelemetry/sdk-trace-web';

/** Set by the page's HTML before this script: where to export, and an optional site resource attribute. */
export interface OtelJsPageConfig {
  tracesUrl: string;
  site?: string;
  /** A `portfolio.origin` the page claims on its resource (the Collector's header must win). */
  claimedOrigin?: string;
}

const config = (globalThis as unknown as { otelJsPage: OtelJsPageConfig }).otelJsPage;

const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl }), { scheduledDelayMillis: 1000 });
const provider = new WebTracerProvider({
  resource: resourceFromAttributes({
    'service.name': 'my-web-app',
    ...(config.site ? { 'portfolio.site': config.site } : {}),
    ...(config.claimedOrigin ? { 'portfolio.origin': config.claimedOrigin } : {}),
  }),
  spanProcessors: [processor],
});
provider.register();
registerInstrumentations({
  instrumentations: [new DocumentLoadInstrumentation(), new UserInteractionInstrumentation({ eventNames: ['click'] })],
});
addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') void processor.forceFlush();
});
addEventListener('pagehide', () => void processor.forceFlush());

// The site's own handlers (registered after the instrumentation, which wraps addEventListener):
// a click span is made for an element whose click someone listens to.
addEventListener('DOMContentLoaded', () => {
  for (const element of document.querySelectorAll('button, input')) element.addEventListener('click', () => undefined);
});
