// Each site's expected event rate for the time of day and week, learnt from its own history, and
// the band around it outside which the traffic alerts fire. Prometheus records the expected rate
// (provisioning/prometheus/footfall-rules.yml); the alert rules and the dashboard's band panel
// draw their lines from the same functions here, so what the owner sees is what pages them.

const ACCEPTED = 'footfall_events_accepted_total';

/** Events per second accepted for each site over `window`, ending `offset` ago. */
/** Bounds on the growth factor applied to last week's level. */
export const GROWTH_MIN = 0.5;
export const GROWTH_MAX = 2;

const siteRate = (window: string, offset?: string): string =>
  `sum by (site) (rate(${ACCEPTED}[${window}]${offset ? ` offset ${offset}` : ''}))`;

/** Present for each site that already had events `ago`: proof that a window reaching back that far is whole. */
const existedAgo = (ago: string): string => `sum by (site) (${ACCEPTED} offset ${ago})`;

// The same hour a week ago and a day ago, each a 2-hour window centred on that moment (offset by
// 23 h rather than 1 d, so the window reaches an hour past it): smoothed enough that a few
// visitors do not move it, narrow enough to follow the daily rhythm. Each only once the site
// existed when its window began: a window half before the first visit would halve the estimate.
const SAME_HOUR_LAST_WEEK = siteRate('2h', '6d23h');
const SAME_HOUR_YESTERDAY = `${siteRate('2h', '23h')}\nand on (site)\n${existedAgo('1d1h')}`;

// Growth since last week: the day up to an hour ago against the same day a week earlier. Ending
// an hour ago, an anomaly under way moves the expected level only after its alert had time to
// fire; clamped, so a day-long outage or a holiday cannot halve or double the next day's level.
const WEEKLY_GROWTH = `clamp(\n${siteRate('1d', '1h')}\n/ ${siteRate('1d', '1w1h')},\n${GROWTH_MIN}, ${GROWTH_MAX}\n)`;

/**
 * Same hour last week, scaled by the growth since: follows weekends (last Saturday predicts this
 * Saturday, yesterday's Friday does not), holidays a week on, and traffic that doubles over weeks.
 * Absent until the site has eight days of history (a week, and the day the growth compares).
 */
export const EXPECTED_RATE_WEEKLY_EXPR = `${SAME_HOUR_LAST_WEEK}\n* ${WEEKLY_GROWTH}\nand on (site)\n${existedAgo('8d1h')}`;

/** Recorded series names. */
export const EXPECTED_RATE = 'site:footfall_events_accepted:expected_rate';
export const EXPECTED_RATE_WEEKLY = 'site:footfall_events_accepted:expected_rate_weekly';

/**
 * The weekly estimate where a week of history exists, otherwise the same hour yesterday. A site
 * with less than a day of history has no expected rate, so no traffic alert can fire for it.
 */
export const EXPECTED_RATE_EXPR = `(\n${EXPECTED_RATE_WEEKLY_EXPR}\n)\nor\n${SAME_HOUR_YESTERDAY}`;

/**
 * The larger of the two estimates: the base of the spike line. Two independent looks at the past
 * rarely both come out low, and a spike line drawn on an estimate that came out low is what wakes
 * someone at night for nothing.
 */
export const EXPECTED_RATE_HIGH = 'site:footfall_events_accepted:expected_rate_high';
export const EXPECTED_RATE_HIGH_EXPR = `(\n${EXPECTED_RATE_WEEKLY_EXPR}\n)\n> (\n${SAME_HOUR_YESTERDAY}\n)\nor\n${SAME_HOUR_YESTERDAY}`;

/** How often Prometheus evaluates the recording rules (the alert rules evaluate every minute too). */
export const RECORDING_INTERVAL = '1m';

/** The Prometheus rule file: one group, one rule per recorded series. */
export function recordingRulesFile() {
  return {
    groups: [
      {
        name: 'footfall-expected-traffic',
        interval: RECORDING_INTERVAL,
        rules: [
          { record: EXPECTED_RATE, expr: EXPECTED_RATE_EXPR },
          { record: EXPECTED_RATE_WEEKLY, expr: EXPECTED_RATE_WEEKLY_EXPR },
          { record: EXPECTED_RATE_HIGH, expr: EXPECTED_RATE_HIGH_EXPR },
        ],
      },
    ],
  };
}

// --- The band -----------------------------------------------------------------------------------

/** A spike is this many times the expected rate... */
export const SPIKE_FACTOR = 3;
/**
 * ...and at least this many events a minute above it, over 10 and over 30 minutes. The floors
 * keep a quiet site from paging at three visitors: a visit is a handful of events, so 30 events
 * in 10 minutes, or 30 in half an hour, above the usual is more than a few visitors reading.
 */
export const SPIKE_FLOOR_PER_MINUTE_10M = 3;
export const SPIKE_FLOOR_PER_MINUTE_30M = 1;
/** A partial drop is traffic below this share of the expected rate over 30 minutes... */
export const DROP_SHARE = 0.65;
/**
 * ...judged only while the site expects at least this many events in those 30 minutes: below
 * that, visits come and go too unevenly for half of them missing to stand out.
 */
export const DROP_MIN_EXPECTED_EVENTS_30M = 600;
/** "Tracking broken": no event for 10 minutes while more than this many were expected. */
export const BROKEN_MIN_EXPECTED_EVENTS_10M = 20;

const perSecond = (perMinute: number): string => `${perMinute} / 60`;

/** Element-wise larger of two vectors with the same labels. */
const larger = (a: string, b: string): string => `(${a} > ${b} or ${b})`;

/**
 * The expected rate over the window `window` long that ends now: the recorded level is for the
 * present moment, so it is read half a window back, where the window's middle is. Without this a
 * rising morning would look like a drop, and a falling evening like a spike.
 */
export function expectedOver(recorded: string, windowMinutes: number): string {
  return `${recorded} offset ${windowMinutes / 2}m`;
}

/** The rate above which traffic counts as a spike, over a window with the given floor. */
export function spikeLine(expected: string, floorPerMinute: number): string {
  return larger(`${SPIKE_FACTOR} * ${expected}`, `${expected} + ${perSecond(floorPerMinute)}`);
}

/** The rate below which traffic counts as a partial drop; absent below the drop floor. */
export function dropLine(expectedWeekly: string): string {
  return `${DROP_SHARE} * ${expectedWeekly} and ${expectedWeekly} * 1800 >= ${DROP_MIN_EXPECTED_EVENTS_30M}`;
}

/** Observed events per second for each site over a window (the alerts' and the band's "actual"). */
export const observedRate = (window: string): string => siteRate(window);
