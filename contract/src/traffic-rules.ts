// The traffic rules' one definition: which past each site's expected level is learnt from, and
// the thresholds and windows of the spike, partial-drop and tracking-broken rules. Plain numbers,
// no PromQL: the Prometheus recording and alert rules (grafana/src/alerting/expected-level.ts,
// rules.ts) and the ingest service's own evaluator (ingest/src/alerts/) are both made from these,
// so the two cannot disagree on a figure.

// --- Baselines ----------------------------------------------------------------------------------

/** Each look at the past averages a window this long, centred on the same time of day. */
export const BASELINE_WINDOW_HOURS = 2;
/** The weekly look: the same time of day this many days ago. */
export const LAST_WEEK_DAYS = 7;

/** UTC day of the week as Prometheus' day_of_week() numbers it: 0 Sunday ... 6 Saturday. */
export const MONDAY = 1;
export const SATURDAY = 6;

/**
 * Days back to the previous day of the same kind (weekday or weekend day): yesterday, except on a
 * Monday (yesterday was a Sunday: the Friday before) and on a Saturday (yesterday was a Friday: the
 * Sunday before). Days are UTC days; once sites have a time zone, the weekday is the site's own.
 */
export const PREVIOUS_SAME_KIND_DAYS_AGO = { default: 1, [MONDAY]: 3, [SATURDAY]: 6 } as const;

/** Growth since last week: the median over this many hours of each window's rate against the same window a week earlier... */
export const GROWTH_OVER_HOURS = 24;
/** ...clamped, so no single day can halve or double the level. */
export const GROWTH_MIN = 0.5;
export const GROWTH_MAX = 2;

// --- Spike --------------------------------------------------------------------------------------

/** A spike is this many times the expected rate... */
export const SPIKE_FACTOR = 3;
/**
 * ...plus this many times the square root of the events expected in the window: visits come in
 * bunches of a few events, so the count in a window strays from its mean by a few square roots of
 * it, and a line at a plain multiple of a small expected count is crossed by chance at night. Over
 * 10 minutes a spike must stand out further than over 30: there are three times as many windows
 * in which chance could cross the line.
 */
export const SPIKE_NOISE_10M = 10;
export const SPIKE_NOISE_30M = 6;
/**
 * ...and at least this many events above the expected count in the window. The floors keep a quiet
 * site from paging at a few visitors: a visit is a handful of events, so 40 events in half an hour
 * above the usual is some thirteen visits more than usual. At 30, a site's first night (its only
 * look at the past, and a quiet one by chance) set a line that the next night's ordinary visits
 * crossed three times. The 10-minute window catches busy sites fast; below 50 events above the
 * usual in 10 minutes a site is judged over 30.
 */
export const SPIKE_FLOOR_EVENTS_10M = 50;
export const SPIKE_FLOOR_EVENTS_30M = 40;
/**
 * Over 30 minutes, one minute counts for at most this many events, or ten times the expected
 * minute where that is more: one visitor's burst of pages is not a spike, many visitors are. A
 * real spike still crosses the line: thirty minutes at the cap are ten times the expected count.
 */
export const SPIKE_MINUTE_CAP_EVENTS = 8;
export const SPIKE_MINUTE_CAP_FACTOR = 10;

/** The spike line's constants for one window. */
export interface SpikeWindow {
  minutes: number;
  noise: number;
  floorEvents: number;
}
export const SPIKE_WINDOW_10M: SpikeWindow = { minutes: 10, noise: SPIKE_NOISE_10M, floorEvents: SPIKE_FLOOR_EVENTS_10M };
export const SPIKE_WINDOW_30M: SpikeWindow = { minutes: 30, noise: SPIKE_NOISE_30M, floorEvents: SPIKE_FLOOR_EVENTS_30M };
/** The spike must hold this long before it pages, and pages within this long of its start. */
export const SPIKE_FOR_MINUTES = 2;
export const SPIKE_DETECT_WITHIN_MINUTES = 25;

// --- Partial drop -------------------------------------------------------------------------------

/** A partial drop is traffic over this many minutes... */
export const DROP_WINDOW_MINUTES = 30;
/** ...below this share of the weekly expected rate... */
export const DROP_SHARE = 0.65;
/**
 * ...judged only while the site expects at least this many events in the window: below that,
 * visits come and go too unevenly for half of them missing to stand out.
 */
export const DROP_MIN_EXPECTED_EVENTS = 600;
export const DROP_FOR_MINUTES = 10;
export const DROP_DETECT_WITHIN_MINUTES = 45;

// --- Tracking broken ----------------------------------------------------------------------------

/** "Tracking broken": no event for this many minutes... */
export const BROKEN_SILENCE_MINUTES = 7;
/** ...and still none for this long after (the rule's `for`)... */
export const BROKEN_FOR_MINUTES = 3;
/**
 * ...while the site expected more than this many events a minute. Over the 10 silent minutes it
 * takes to fire, 4.5 a minute is 45 events, fifteen visits of three: ten minutes without any of
 * them happens by chance about once in three million windows; at 2 a minute, once in a thousand,
 * which a few sites reach within a week.
 */
export const BROKEN_MIN_EXPECTED_EVENTS_PER_MINUTE = 4.5;
/** The threshold on the events expected in the silence window. */
export const BROKEN_MIN_EXPECTED_EVENTS = BROKEN_MIN_EXPECTED_EVENTS_PER_MINUTE * BROKEN_SILENCE_MINUTES;
export const BROKEN_DETECT_WITHIN_MINUTES = 10;
