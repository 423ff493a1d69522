/** Event types the default catalog knows; a catalog may add more, so any string is accepted. */
export type EventType =
  | 'page_view'
  | 'room_enter'
  | 'room_exit'
  | 'object_view'
  | 'object_click'
  | 'navigation'
  | 'time_spent'
  | 'outbound'
  | 'download'
  | 'link_click'
  | 'ui_click'
  | (string & {});

/** Free-form, bounded event properties (the ingest service keeps at most 10 keys). */
export type EventProps = Record<string, string | number | boolean>;

/** One analytics event, exactly as the ingest service's beacon endpoint expects it. */
export interface FootfallEvent {
  id: string;
  type: EventType;
  ts: number;
  session: string;
  path: string;
  /** A page view's referrer, only when it is another site: where the visitor came from. */
  referrer?: string;
  object?: string;
  room?: string;
  /** A navigation's origin, and on a page view the previous page of this site (absent on entry). */
  from?: string;
  to?: string;
  duration_ms?: number;
  props?: EventProps;
  /**
   * The landing URL's query string, on the first page view of a page load: the ingest service
   * takes the campaign parameters from it and keeps nothing else of it.
   */
  search?: string;
  /** Campaign parameters (at most 128 characters each): the ingest service fills them from `search`; a caller may set them. */
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  utm_term?: string;
  utm_content?: string;
}

/** Optional fields a caller may set on an event; the tracker fills in the rest. */
export type EventFields = Partial<Omit<FootfallEvent, 'id' | 'type' | 'ts' | 'session'>>;

/** Where events go: beacons to the ingest service, OpenTelemetry to a Collector, or both. */
export type TrackerMode = 'beacon' | 'otel' | 'both';

/** What the lazily loaded OpenTelemetry tier receives from the tracker. */
export interface OpenTelemetryOptions {
  /** Base URL of an OTLP/HTTP receiver: `/v1/traces` and `/v1/metrics` are appended. */
  collectorUrl: string;
  /** Catalog site id, sent as the resource attribute `portfolio.site`. */
  site: string;
  /** Resource attribute `service.name`. */
  serviceName?: string;
  /** Resource attribute `service.version`. */
  serviceVersion?: string;
  /** URLs the instrumentations must not trace: the tracker's own endpoints. */
  ignoreUrls: string[];
  /** Log why something was ignored to the console. */
  debug?: boolean;
}

/** The OpenTelemetry tier as the tracker sees it once loaded. */
export interface EventSink {
  record(event: FootfallEvent): void;
  flush(): void;
}

/** The module the ESM entry point imports lazily for modes `otel` and `both`. */
export interface OpenTelemetryModule {
  startOpenTelemetry(options: OpenTelemetryOptions): EventSink;
}

/** Options of `init`. */
export interface TrackerOptions {
  /** Catalog site id, for example `portfolio`. */
  site: string;
  /** The ingest service's beacon URL (`https://.../v1/beacon`); needed for modes `beacon` and `both`. */
  endpoint?: string;
  /** `beacon` (default), `otel` or `both`. */
  mode?: TrackerMode;
  /** OTLP/HTTP base URL (a Collector, or the ingest service itself); needed for `otel` and `both`. */
  collectorUrl?: string;
  /** `service.name` for the OpenTelemetry tier (default `footfall-web`). */
  serviceName?: string;
  /** `service.version` for the OpenTelemetry tier. */
  serviceVersion?: string;
  /** Send nothing until `setConsent(true)` (default false). */
  requireConsent?: boolean;
  /** Page views, History API navigation, `data-footfall-object` clicks and time spent (default true). */
  autoTrack?: boolean;
  /** Events per beacon batch before it is sent at once (default 20, at most 100). */
  maxBatch?: number;
  /** Log every ignored event or failure to the console. */
  debug?: boolean;
}
