// The traffic alert rules (spike, partial drop, tracking broken) evaluated on a site's events per
// minute, with the same thresholds, windows and baselines as the Prometheus rules
// (grafana/src/alerting/), both made from contract/src/traffic-rules.ts. Pure: counts in, values
// and firing episodes out.
//
// It reads the counts the way Prometheus reads footfall_events_accepted_total scraped once a
// minute: the counter's sample at a minute boundary is every event accepted before it, `rate(c[w])`
// takes the samples in [t - w, t] (closed, as in Prometheus 2) and extrapolates as Prometheus does,
// an instant selector looks back 5 minutes, and a subquery's steps are the multiples of its step
// within its range. The alert queries run on the minute; the recording rules (the expected levels)
// run a moment after it (Prometheus starts a rule group at an offset within its interval, hashed
// from its name), so a level read on the minute is the one recorded just after the minute before,
// whose windows hold one sample fewer. So the two agree to the minute
// (ingest/test/alerts-same-as-prometheus.test.ts holds them to it).
import {
  BASELINE_WINDOW_HOURS,
  BROKEN_FOR_MINUTES,
  BROKEN_MIN_EXPECTED_EVENTS,
  BROKEN_SILENCE_MINUTES,
  DROP_FOR_MINUTES,
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
  SPIKE_FOR_MINUTES,
  SPIKE_MINUTE_CAP_EVENTS,
  SPIKE_MINUTE_CAP_FACTOR,
  SPIKE_WINDOW_10M,
  SPIKE_WINDOW_30M,
  type SpikeWindow,
} from '@footfall/contract';

/** Minutes in a day, and Prometheus' lookback for an instant selector. */
const DAY_MINUTES = 1440;
const LOOKBACK_MINUTES = 5;
const WINDOW_MINUTES = BASELINE_WINDOW_HOURS * 60;
const HALF_WINDOW_MINUTES = WINDOW_MINUTES / 2;
/**
 * When, after each minute, the recording rules run, in minutes. Any moment inside the minute gives
 * the same levels: a whole window's rate does not depend on it (Prometheus' extrapolation to the
 * window's edges cancels out); it shows only while a site's counter is younger than a window.
 */
const RECORDING_DELAY_MINUTES = 0.5;

export type TrafficRuleId = 'footfall-traffic-spike' | 'footfall-partial-drop' | 'footfall-tracking-broken';

/** A rule's threshold stage and `for`, as the provisioned Grafana rule has them. */
export interface TrafficRule {
  id: TrafficRuleId;
  title: string;
  threshold: { type: 'gt' | 'lt'; value: number };
  forMinutes: number;
  /** The minutes of traffic the rule looks at, for the link to the anomaly's window. */
  windowMinutes: number;
}

export const TRAFFIC_RULES: readonly TrafficRule[] = [
  {
    id: 'footfall-traffic-spike',
    title: 'Traffic spike',
    threshold: { type: 'gt', value: 1 },
    forMinutes: SPIKE_FOR_MINUTES,
    windowMinutes: SPIKE_WINDOW_30M.minutes,
  },
  {
    id: 'footfall-partial-drop',
    title: 'Traffic partly gone',
    threshold: { type: 'lt', value: 1 },
    forMinutes: DROP_FOR_MINUTES,
    windowMinutes: DROP_WINDOW_MINUTES,
  },
  {
    id: 'footfall-tracking-broken',
    title: 'Traffic collapsed to zero',
    threshold: { type: 'gt', value: BROKEN_MIN_EXPECTED_EVENTS },
    forMinutes: BROKEN_FOR_MINUTES,
    windowMinutes: BROKEN_SILENCE_MINUTES,
  },
];

/** How far back the rules read: the growth factor's day, a week before it, and its 2-hour windows. */
export const HISTORY_MINUTES = (LAST_WEEK_DAYS + 1) * DAY_MINUTES + 3 * WINDOW_MINUTES;

/** One site's events accepted per minute. Minutes are epoch minutes (ms / 60,000). */
export interface SiteMinutes {
  site: string;
  /** The minute of counts[0]. */
  from: number;
  /** Events accepted in each minute from `from` on; the last one is the minute before now. */
  counts: ArrayLike<number>;
  /** The minute of the site's first accepted event, when its counter began (may be before `from`). */
  first: number;
}

/** What a rule's query returns at one evaluation: a value, or nothing (no data, which is Normal). */
export type RuleValue = number | undefined;

/** Prometheus' quantile(): linear interpolation between the closest ranks. */
function quantile(q: number, values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(sorted.length - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return sorted[lower]! * (1 - weight) + sorted[upper]! * weight;
}

/** The traffic rules' values for one site at any minute its history covers. */
export class TrafficEvaluator {
  readonly site: string;
  private readonly from: number;
  /** cumulative[i]: the counter's value at minute boundary from + i (events since `from`). */
  private readonly cumulative: Float64Array;
  private readonly firstSample: number;
  private readonly lastSample: number;
  private readonly memo = new Map<string, RuleValue>();

  constructor(minutes: SiteMinutes) {
    this.site = minutes.site;
    this.from = minutes.from;
    this.cumulative = new Float64Array(minutes.counts.length + 1);
    for (let i = 0; i < minutes.counts.length; i++) this.cumulative[i + 1] = this.cumulative[i]! + minutes.counts[i]!;
    // The counter is first scraped at the end of the minute of its first event.
    this.firstSample = Math.max(minutes.first + 1, minutes.from);
    this.lastSample = minutes.from + minutes.counts.length;
  }

  /** The counter's sample at a minute boundary, if it was scraped then. */
  private sample(at: number): number | undefined {
    return at >= this.firstSample && at <= this.lastSample ? this.cumulative[at - this.from]! : undefined;
  }

  /** An instant selector at `at` (minutes, not necessarily whole): the latest sample within the lookback. */
  private latest(at: number): number | undefined {
    const newest = Math.min(Math.floor(at), this.lastSample);
    return newest >= this.firstSample && newest >= at - LOOKBACK_MINUTES ? this.sample(newest) : undefined;
  }

  /** Prometheus' increase() over [end - window, end] (minutes): extrapolatedRate times the range. */
  private increase(end: number, window: number): number | undefined {
    const firstT = Math.max(Math.ceil(end - window), this.firstSample);
    const lastT = Math.min(Math.floor(end), this.lastSample);
    if (lastT - firstT < 1) return undefined;
    const firstV = this.cumulative[firstT - this.from]!;
    const delta = this.cumulative[lastT - this.from]! - firstV;
    const sampled = (lastT - firstT) * 60;
    const average = sampled / (lastT - firstT);
    let toStart = (firstT - (end - window)) * 60;
    const toEnd = (end - lastT) * 60;
    // A counter cannot have started below zero: where the series begins inside the window its
    // first value bounds the extrapolation. Our count begins at `from`, which only matters there.
    if (delta > 0 && this.firstSample > this.from) {
      const toZero = sampled * (firstV / delta);
      if (toZero < toStart) toStart = toZero;
    }
    const threshold = average * 1.1;
    let interval = sampled;
    interval += toStart < threshold ? toStart : average / 2;
    interval += toEnd < threshold ? toEnd : average / 2;
    return delta * (interval / sampled);
  }

  /** rate(c[window] offset offset) at `at`, per second. */
  private rate(at: number, window: number, offset = 0): number | undefined {
    const increase = this.increase(at - offset, window);
    return increase === undefined ? undefined : increase / (window * 60);
  }

  private existedAgo(at: number, ago: number): boolean {
    return this.latest(at - ago) !== undefined;
  }

  private cached(key: string, compute: () => RuleValue): RuleValue {
    if (this.memo.has(key)) return this.memo.get(key);
    const value = compute();
    this.memo.set(key, value);
    return value;
  }

  /** The 2-hour window centred on the same time of day `days` ago, once the site existed when it began. */
  private sameHourDaysAgo(at: number, days: number): RuleValue {
    if (!this.existedAgo(at, days * DAY_MINUTES + HALF_WINDOW_MINUTES)) return undefined;
    return this.rate(at, WINDOW_MINUTES, days * DAY_MINUTES - HALF_WINDOW_MINUTES);
  }

  /** The same hour on the previous day of the same kind (weekday or weekend day), UTC days. */
  private previousDayOfKind(at: number): RuleValue {
    const day = new Date(Math.floor(at) * 60_000).getUTCDay();
    if (day === MONDAY) return this.sameHourDaysAgo(at, PREVIOUS_SAME_KIND_DAYS_AGO[MONDAY]);
    // A site not yet a week old has had no Sunday before its Saturday: it takes the Friday.
    if (day === SATURDAY) return this.sameHourDaysAgo(at, PREVIOUS_SAME_KIND_DAYS_AGO[SATURDAY]) ?? this.sameHourDaysAgo(at, 1);
    return this.sameHourDaysAgo(at, PREVIOUS_SAME_KIND_DAYS_AGO.default);
  }

  /** Growth since last week: the clamped median of each 2-hour window's rate against a week before. */
  private growth(at: number): RuleValue {
    const ratios: number[] = [];
    const range = GROWTH_OVER_HOURS * 60;
    for (let step = Math.ceil((at - range) / WINDOW_MINUTES) * WINDOW_MINUTES; step <= at; step += WINDOW_MINUTES) {
      const now = this.rate(step, WINDOW_MINUTES);
      const before = this.rate(step, WINDOW_MINUTES, LAST_WEEK_DAYS * DAY_MINUTES);
      if (now !== undefined && before !== undefined && before > 0) ratios.push(now / before);
    }
    if (ratios.length === 0) return undefined;
    return Math.min(GROWTH_MAX, Math.max(GROWTH_MIN, quantile(0.5, ratios)));
  }

  private weeklyAt(t: number): RuleValue {
    const lastWeek = this.sameHourDaysAgo(t, LAST_WEEK_DAYS);
    if (lastWeek === undefined || !this.existedAgo(t, (LAST_WEEK_DAYS + 1) * DAY_MINUTES + WINDOW_MINUTES)) return undefined;
    const growth = this.growth(t);
    return growth === undefined ? undefined : lastWeek * growth;
  }

  private highAt(t: number): RuleValue {
    const looks = [this.previousDayOfKind(t), this.sameHourDaysAgo(t, LAST_WEEK_DAYS)].filter((v) => v !== undefined);
    return looks.length === 0 ? undefined : Math.max(...looks);
  }

  /**
   * A recorded level as a query on the minute `at` reads it: the latest sample within the
   * lookback, recorded a moment after an earlier minute.
   */
  private recorded(kind: string, at: number, compute: (t: number) => RuleValue): RuleValue {
    return this.cached(`${kind}${at}`, () => {
      for (let minute = at - 1; minute >= at - LOOKBACK_MINUTES; minute--) {
        const value = compute(minute + RECORDING_DELAY_MINUTES);
        if (value !== undefined) return value;
      }
      return undefined;
    });
  }

  /** The weekly expected rate (events/s) read at `at`: same hour last week times the growth since. */
  expectedWeekly(at: number): RuleValue {
    return this.recorded('w', at, (t) => this.weeklyAt(t));
  }

  /** The expected rate read at `at`: the weekly one where a week of history exists, else the previous day of the same kind. */
  expected(at: number): RuleValue {
    return this.recorded('e', at, (t) => this.weeklyAt(t) ?? this.previousDayOfKind(t));
  }

  /** The spike line's base read at `at`: the larger of the previous day of the same kind and last week, unscaled. */
  expectedHigh(at: number): RuleValue {
    return this.recorded('h', at, (t) => this.highAt(t));
  }

  private spikeLine(expected: number, window: SpikeWindow): number {
    const seconds = window.minutes * 60;
    return Math.max(SPIKE_FACTOR * expected + window.noise * Math.sqrt(expected / seconds), expected + window.floorEvents / seconds);
  }

  /** Events per second over the 30 minutes to `at`, each minute capped (SPIKE_MINUTE_CAP_EVENTS). */
  private cappedRate30m(at: number): RuleValue {
    let sum = 0;
    let points = 0;
    for (let step = at - SPIKE_WINDOW_30M.minutes; step <= at; step++) {
      const now = this.latest(step);
      const before = this.latest(step - 1);
      const expected = this.expectedHigh(step);
      if (now === undefined || before === undefined || expected === undefined) continue;
      const minute = Math.max(now - before, 0);
      const cap = Math.max(SPIKE_MINUTE_CAP_FACTOR * 60 * expected, SPIKE_MINUTE_CAP_EVENTS);
      sum += Math.min(minute, cap);
      points++;
    }
    return points === 0 ? undefined : sum / (SPIKE_WINDOW_30M.minutes * 60);
  }

  /** How far above the spike line (1 = on it), the larger over 10 minutes and over 30 capped. */
  spike(at: number): RuleValue {
    const expected10 = this.expectedHigh(at - SPIKE_WINDOW_10M.minutes / 2);
    const observed10 = this.rate(at, SPIKE_WINDOW_10M.minutes);
    const over10 =
      expected10 === undefined || observed10 === undefined ? undefined : observed10 / this.spikeLine(expected10, SPIKE_WINDOW_10M);
    const expected30 = this.expectedHigh(at - SPIKE_WINDOW_30M.minutes / 2);
    const observed30 = this.cappedRate30m(at);
    const over30 =
      expected30 === undefined || observed30 === undefined ? undefined : observed30 / this.spikeLine(expected30, SPIKE_WINDOW_30M);
    // `(a > b) or b`: nothing without the 30-minute value.
    if (over30 === undefined) return undefined;
    return over10 !== undefined && over10 > over30 ? over10 : over30;
  }

  /** Observed over the drop line (1 = on it); nothing while the site expects too few events to tell. */
  partialDrop(at: number): RuleValue {
    const weekly = this.expectedWeekly(at - DROP_WINDOW_MINUTES / 2);
    const observed = this.rate(at, DROP_WINDOW_MINUTES);
    if (weekly === undefined || observed === undefined || !(weekly * DROP_WINDOW_MINUTES * 60 >= DROP_MIN_EXPECTED_EVENTS))
      return undefined;
    return observed / (DROP_SHARE * weekly);
  }

  /** Events the site should have sent in the silence window, counted only while none came. */
  trackingBroken(at: number): RuleValue {
    const expected = this.expected(at);
    const seen = this.increase(at, BROKEN_SILENCE_MINUTES);
    if (expected === undefined || seen === undefined) return undefined;
    return BROKEN_SILENCE_MINUTES * 60 * expected * (seen === 0 ? 1 : 0);
  }

  /** Events per minute seen and expected, for the notification's text. */
  context(rule: TrafficRuleId, at: number): { observed: number; expected: number } {
    const window =
      rule === 'footfall-traffic-spike'
        ? SPIKE_WINDOW_10M.minutes
        : rule === 'footfall-partial-drop'
          ? DROP_WINDOW_MINUTES
          : BROKEN_SILENCE_MINUTES;
    const expected =
      rule === 'footfall-traffic-spike'
        ? this.expectedHigh(at)
        : rule === 'footfall-partial-drop'
          ? this.expectedWeekly(at - DROP_WINDOW_MINUTES / 2)
          : this.expected(at);
    return { observed: 60 * (this.rate(at, window) ?? 0), expected: 60 * (expected ?? 0) };
  }

  value(rule: TrafficRuleId, at: number): RuleValue {
    if (rule === 'footfall-traffic-spike') return this.spike(at);
    if (rule === 'footfall-partial-drop') return this.partialDrop(at);
    return this.trackingBroken(at);
  }
}

/** Whether the threshold holds; NaN holds for nothing, as in Grafana. */
export function thresholdHolds(rule: TrafficRule, value: RuleValue): boolean {
  if (value === undefined) return false;
  return rule.threshold.type === 'gt' ? value > rule.threshold.value : value < rule.threshold.value;
}

/** One episode of a rule firing for a site: from its first Firing minute to its first Normal one. */
export interface Episode {
  rule: TrafficRuleId;
  site: string;
  /** Epoch minutes. `end` is undefined while it still fires. */
  start: number;
  end: number | undefined;
}

/**
 * Grafana's state machine over evaluations every minute from `from` to `to` (inclusive): Pending
 * when the threshold first holds, Firing once it has held for `for`, Normal at the first
 * evaluation where it does not. `from` should lie at least `for` minutes before the first minute
 * of interest, so an alert already pending then is seen as such.
 */
export function episodes(evaluator: TrafficEvaluator, rule: TrafficRule, from: number, to: number): Episode[] {
  const found: Episode[] = [];
  let pendingSince: number | undefined;
  let current: Episode | undefined;
  for (let at = from; at <= to; at++) {
    if (!thresholdHolds(rule, evaluator.value(rule.id, at))) {
      if (current) found.push({ ...current, end: at });
      current = undefined;
      pendingSince = undefined;
      continue;
    }
    pendingSince ??= at;
    if (!current && at - pendingSince >= rule.forMinutes) current = { rule: rule.id, site: evaluator.site, start: at, end: undefined };
  }
  if (current) found.push(current);
  return found;
}
