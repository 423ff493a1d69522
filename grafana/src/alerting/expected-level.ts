// Each site's expected event rate for the time of day and week, learnt from its own history, and
// the band around it outside which the traffic alerts fire. Prometheus records the expected rate
// (provisioning/prometheus/footfall-rules.yml); the alert rules and the dashboard's band panel
// draw their lines from the same functions here, so what the owner sees is what pages them.
//
// Every recording rule is written out in full rather than built on another recorded series:
// `promtool tsdb create-blocks-from rules` (how the scenario test fills the past) cannot evaluate
// a rule that reads a series the same run records.

import {
  BASELINE_WINDOW_HOURS,
  DROP_MIN_EXPECTED_EVENTS,
  DROP_SHARE,
  DROP_WINDOW_MINUTES,
  GROWTH_MAX,
  GROWTH_MIN,
  GROWTH_OVER_HOURS,
  LAST_WEEK_DAYS,
  MONDAY,
  PREVIOUS_SAME_KIND_DAYS_AGO,
  SATURDAY,
  SPIKE_FACTOR,
  SPIKE_MINUTE_CAP_EVENTS,
  SPIKE_MINUTE_CAP_FACTOR,
  type SpikeWindow,
} from '@footfall/contract';

export { SPIKE_WINDOW_10M, SPIKE_WINDOW_30M } from '@footfall/contract';

const ACCEPTED = 'footfall_events_accepted_total';
const WINDOW = `${BASELINE_WINDOW_HOURS}h`;
const HALF_WINDOW_HOURS = BASELINE_WINDOW_HOURS / 2;

// Every combination below is parenthesised: in PromQL `*` binds tighter than `and`, and `and`
// tighter than `or`, so `A and B * C` scales B, not A (how the growth factor once went unapplied).
// grafana/test/promql-grouping.test.ts holds the rendered rules to this.

/** Events per second accepted for each site over `window`, ending `offset` ago. */
const siteRate = (window: string, offset?: string): string =>
  `sum by (site) (rate(${ACCEPTED}[${window}]${offset ? ` offset ${offset}` : ''}))`;

/** Present for each site that already had events `ago`: proof that a window reaching back that far is whole. */
const existedAgo = (ago: string): string => `sum by (site) (${ACCEPTED} offset ${ago})`;

/**
 * A window centred on the same time of day `days` days ago (offset by a day less half the window,
 * so it reaches half a window past that moment), once the site existed when it began: a window
 * half before the first visit would halve the estimate.
 */
const sameHourDaysAgo = (days: number): string =>
  `(\n${siteRate(WINDOW, `${days - 1}d${24 - HALF_WINDOW_HOURS}h`)}\nand on (site)\n${existedAgo(`${days}d${HALF_WINDOW_HOURS}h`)}\n)`;

const SAME_HOUR_LAST_WEEK = sameHourDaysAgo(LAST_WEEK_DAYS);

// The same hour on the previous day of the same kind (traffic-rules.ts says which). Days are UTC
// days: once sites have a time zone, day_of_week() takes the site's local time here.
const isDay = (day: number): string => `(day_of_week() == ${day})`;
const SAME_KIND_EXCEPTIONS = [MONDAY, SATURDAY] as const;
const SAME_HOUR_PREVIOUS_DAY_OF_KIND = [
  `(\n${sameHourDaysAgo(PREVIOUS_SAME_KIND_DAYS_AGO.default)}\nunless on () (${SAME_KIND_EXCEPTIONS.map(isDay).join(' or ')})\n)`,
  ...SAME_KIND_EXCEPTIONS.map((day) => `(\n${sameHourDaysAgo(PREVIOUS_SAME_KIND_DAYS_AGO[day])}\nand on () ${isDay(day)}\n)`),
].join('\nor\n');

// A site not yet a week old has had no Sunday before its Saturday: it takes the Friday, which a
// weekday-heavy site makes too high rather than too low (a spike may go unseen, none is invented).
const YOUNG_SITE_SATURDAY = `(\n${sameHourDaysAgo(1)}\nand on () ${isDay(SATURDAY)}\n)`;
const SAME_HOUR_PREVIOUS_DAY = `(\n${SAME_HOUR_PREVIOUS_DAY_OF_KIND}\nor\n${YOUNG_SITE_SATURDAY}\n)`;

// Growth since last week: the median, over the last day, of each 2-hour window's rate against the
// same window a week earlier. A median, so a spike, a drop or an outage of a few hours does not
// move the next day's level (a mean over the day would: a 5x spike of 40 minutes raised it by a
// third, and the next day's normal traffic looked like a drop); a change that lasts all day, a
// holiday or real growth, does. Clamped, so no single day can halve or double the level.
const WEEKLY_GROWTH =
  `clamp(\nquantile_over_time(0.5, (\n${siteRate(WINDOW)}\n/ (${siteRate(WINDOW, `${LAST_WEEK_DAYS}d`)} > 0)\n)[${GROWTH_OVER_HOURS}h:${WINDOW}]),\n` +
  `${GROWTH_MIN}, ${GROWTH_MAX}\n)`;

/**
 * Same hour last week, scaled by the growth since: follows weekends (last Saturday predicts this
 * Saturday, yesterday's Friday does not), holidays a week on, and traffic that doubles over weeks.
 * Absent until the site has eight days of history (a week, and the day the growth compares).
 */
export const EXPECTED_RATE_WEEKLY_EXPR = `(\n${SAME_HOUR_LAST_WEEK}\n* ${WEEKLY_GROWTH}\n)\nand on (site)\n${existedAgo(`${LAST_WEEK_DAYS + 1}d${BASELINE_WINDOW_HOURS}h`)}`;

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

/** Element-wise larger of two vectors with the same labels. */
const larger = (a: string, b: string): string => `((${a} > ${b}) or ${b})`;

/**
 * The expected rate over the window `window` long that ends now: the recorded level is for the
 * present moment, so it is read half a window back, where the window's middle is. Without this a
 * rising morning would look like a drop, and a falling evening like a spike.
 */
export function expectedOver(recorded: string, windowMinutes: number): string {
  return `${recorded} offset ${windowMinutes / 2}m`;
}

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
  return `(${DROP_SHARE} * ${expectedWeekly}) and (${expectedWeekly} * ${DROP_WINDOW_MINUTES * 60} >= ${DROP_MIN_EXPECTED_EVENTS})`;
}

/** Observed events per second for each site over a window (the alerts' and the band's "actual"). */
export const observedRate = (window: string): string => siteRate(window);
