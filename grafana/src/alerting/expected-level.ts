// Each site's expected event rate for the time of day and week, learnt from its own history, and
// the band around it outside which the traffic alerts fire. Prometheus records the expected rate
// (provisioning/prometheus/footfall-rules.yml); the alert rules and the dashboard's band panel
// draw their lines from the same functions here, so what the owner sees is what pages them.
//
// Every recording rule is written out in full rather than built on another recorded series:
// `promtool tsdb create-blocks-from rules` (how the scenario test fills the past) cannot evaluate
// a rule that reads a series the same run records.

const ACCEPTED = 'footfall_events_accepted_total';

/** Bounds on the growth factor applied to last week's level. */
export const GROWTH_MIN = 0.5;
export const GROWTH_MAX = 2;

/** Events per second accepted for each site over `window`, ending `offset` ago. */
const siteRate = (window: string, offset?: string): string =>
  `sum by (site) (rate(${ACCEPTED}[${window}]${offset ? ` offset ${offset}` : ''}))`;

/** Present for each site that already had events `ago`: proof that a window reaching back that far is whole. */
const existedAgo = (ago: string): string => `sum by (site) (${ACCEPTED} offset ${ago})`;

/** A 2-hour window centred on the same time of day `days` days ago, once the site existed when it began. */
const sameHourDaysAgo = (days: number): string => `${siteRate('2h', `${days - 1}d23h`)}\nand on (site)\n${existedAgo(`${days}d1h`)}`;

// The same hour a week ago and on the previous day, each a 2-hour window centred on that moment
// (offset by 23 h rather than 1 d, so the window reaches an hour past it): smoothed enough that a
// few visitors do not move it, narrow enough to follow the daily rhythm. Each only once the site
// existed when its window began: a window half before the first visit would halve the estimate.
const SAME_HOUR_LAST_WEEK = sameHourDaysAgo(7);

// The previous day of the same kind: yesterday, except on a Monday, when yesterday was a Sunday
// (a quieter day on most sites) and the previous Friday says more. Days are UTC days.
const MONDAY = '(day_of_week() == 1)';
const SAME_HOUR_PREVIOUS_DAY = `(\n${sameHourDaysAgo(1)}\nunless on () ${MONDAY}\n)\nor\n(\n${sameHourDaysAgo(3)}\nand on () ${MONDAY}\n)`;

// Growth since last week: the median, over the last day, of each 2-hour window's rate against the
// same window a week earlier. A median, so a spike, a drop or an outage of a few hours does not
// move the next day's level (a mean over the day would: a 5x spike of 40 minutes raised it by a
// third, and the next day's normal traffic looked like a drop); a change that lasts all day, a
// holiday or real growth, does. Clamped, so no single day can halve or double the level.
const WEEKLY_GROWTH =
  `clamp(\nquantile_over_time(0.5, (\n${siteRate('2h')}\n/ (${siteRate('2h', '1w')} > 0)\n)[1d:2h]),\n` + `${GROWTH_MIN}, ${GROWTH_MAX}\n)`;

/**
 * Same hour last week, scaled by the growth since: follows weekends (last Saturday predicts this
 * Saturday, yesterday's Friday does not), holidays a week on, and traffic that doubles over weeks.
 * Absent until the site has eight days of history (a week, and the day the growth compares).
 */
export const EXPECTED_RATE_WEEKLY_EXPR = `${SAME_HOUR_LAST_WEEK}\n* ${WEEKLY_GROWTH}\nand on (site)\n${existedAgo('8d2h')}`;

/** Recorded series names. */
export const EXPECTED_RATE = 'site:footfall_events_accepted:expected_rate';
export const EXPECTED_RATE_WEEKLY = 'site:footfall_events_accepted:expected_rate_weekly';
export const EXPECTED_RATE_HIGH = 'site:footfall_events_accepted:expected_rate_high';

/**
 * The weekly estimate where a week of history exists, otherwise the same hour on the previous day
 * of the same kind. A site with less than a day of history has no expected rate, so no traffic
 * alert can fire for it.
 */
export const EXPECTED_RATE_EXPR = `(\n${EXPECTED_RATE_WEEKLY_EXPR}\n)\nor\n(\n${SAME_HOUR_PREVIOUS_DAY}\n)`;

/**
 * The larger of the same hour on the previous day of the same kind and the same hour last week,
 * neither scaled: the base of the spike line. Two independent looks at the past rarely both come
 * out low, and a spike line drawn on an estimate that came out low is what wakes someone at night
 * for nothing. No growth factor: on a quiet site it is mostly noise, and either look is at most a
 * week old, so slow growth cannot pass for a spike.
 */
export const EXPECTED_RATE_HIGH_EXPR =
  `max by (site) (\n` +
  `label_replace(\n${SAME_HOUR_PREVIOUS_DAY},\n"estimate", "previous_day", "", ""\n)\nor\n` +
  `label_replace(\n${SAME_HOUR_LAST_WEEK},\n"estimate", "last_week", "", ""\n)\n)`;

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
 * site from paging at three visitors: a visit is a handful of events, so 30 events in half an hour
 * above the usual is ten visits more than usual. The 10-minute window catches busy sites fast;
 * below 50 events above the usual in 10 minutes a site is judged over 30.
 */
export const SPIKE_FLOOR_EVENTS_10M = 50;
export const SPIKE_FLOOR_EVENTS_30M = 30;
/**
 * Over 30 minutes, one minute counts for at most this many events, or ten times the expected
 * minute where that is more: one visitor's burst of pages is not a spike, many visitors are. A
 * real spike still crosses the line: thirty minutes at the cap are ten times the expected count.
 */
export const SPIKE_MINUTE_CAP_EVENTS = 8;
export const SPIKE_MINUTE_CAP_FACTOR = 10;
/** A partial drop is traffic below this share of the expected rate over 30 minutes... */
export const DROP_SHARE = 0.65;
/**
 * ...judged only while the site expects at least this many events in those 30 minutes: below
 * that, visits come and go too unevenly for half of them missing to stand out.
 */
export const DROP_MIN_EXPECTED_EVENTS_30M = 600;
/**
 * "Tracking broken": no event for 10 minutes while more than this many were expected. At 45, that
 * is fifteen visits of three events: ten minutes without any of them happens by chance about once
 * in three million windows; at 20, once in a thousand, which a few sites reach within a week.
 */
export const BROKEN_MIN_EXPECTED_EVENTS_10M = 45;

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

/** The spike line's constants for one window. */
export interface SpikeWindow {
  minutes: number;
  noise: number;
  floorEvents: number;
}
export const SPIKE_WINDOW_10M: SpikeWindow = { minutes: 10, noise: SPIKE_NOISE_10M, floorEvents: SPIKE_FLOOR_EVENTS_10M };
export const SPIKE_WINDOW_30M: SpikeWindow = { minutes: 30, noise: SPIKE_NOISE_30M, floorEvents: SPIKE_FLOOR_EVENTS_30M };

/**
 * The rate (events per second) above which traffic over the window counts as a spike: with E the
 * events expected in the window, the larger of SPIKE_FACTOR E + noise √E and E + the floor.
 */
export function spikeLine(expected: string, window: SpikeWindow): string {
  const seconds = window.minutes * 60;
  return larger(
    `(${SPIKE_FACTOR} * ${expected} + ${window.noise} * sqrt(${expected} / ${seconds}))`,
    `(${expected} + ${window.floorEvents} / ${seconds})`,
  );
}

/**
 * Events per second over the last 30 minutes with each minute capped (see SPIKE_MINUTE_CAP_EVENTS),
 * minute by minute from the counter's difference, which needs no particular scrape interval.
 */
export function cappedRate30m(expected: string): string {
  const minute = `sum by (site) (clamp_min(${ACCEPTED} - ${ACCEPTED} offset 1m, 0))`;
  const cap = `clamp_min(${SPIKE_MINUTE_CAP_FACTOR * 60} * ${expected}, ${SPIKE_MINUTE_CAP_EVENTS})`;
  return `sum_over_time((\n(${minute} < ${cap})\nor\n(${cap} and ${minute})\n)[30m:1m]) / 1800`;
}

/** The rate below which traffic counts as a partial drop; absent below the drop floor. */
export function dropLine(expectedWeekly: string): string {
  return `${DROP_SHARE} * ${expectedWeekly} and ${expectedWeekly} * 1800 >= ${DROP_MIN_EXPECTED_EVENTS_30M}`;
}

/** Observed events per second for each site over a window (the alerts' and the band's "actual"). */
export const observedRate = (window: string): string => siteRate(window);
