// `npm run simulate:cluster [-- --seconds 30 --rate 100 --kill-at 12 --lost-answers-ms 0 --hold-ms 120000 --json --keep]`: three ingest
// replicas behind a router, one killed with SIGKILL mid-run and restarted, then every replica's
// rows read into one store and reconciled (scripts/cluster-sim/). Prints the figures; exits 1 when
// an acknowledged event is missing or stored twice. docs/scaling.md shows a run and what it proves.
import { parseArgs } from 'node:util';
import { simulateCluster, type SimulationFigures } from './cluster-sim/simulation.js';

const usage = 'usage: npm run simulate:cluster [-- --seconds N --rate N --kill-at S --lost-answers-ms MS --hold-ms MS --json --keep]';

/** Longer than a replica's restart on a busy 2-core machine (about 16 s measured), so the kill's sessions wait for it. */
const DEFAULT_HOLD_MS = 120_000;

function wholeNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    console.error(`simulate:cluster: --${name} must be a whole number of at least 1, not ${JSON.stringify(value)}\n${usage}`);
    process.exit(2);
  }
  return number;
}

let values: {
  seconds?: string;
  rate?: string;
  'kill-at'?: string;
  'lost-answers-ms'?: string;
  'hold-ms'?: string;
  json?: boolean;
  keep?: boolean;
};
try {
  ({ values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      rate: { type: 'string' },
      'kill-at': { type: 'string' },
      'lost-answers-ms': { type: 'string' },
      'hold-ms': { type: 'string' },
      json: { type: 'boolean' },
      keep: { type: 'boolean' },
    },
    strict: true,
  }));
} catch (error) {
  console.error(`simulate:cluster: ${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const seconds = wholeNumber('seconds', values.seconds, 30);
const rate = wholeNumber('rate', values.rate, 100);
const killAtS = wholeNumber('kill-at', values['kill-at'], Math.max(1, Math.floor(seconds * 0.4)));
// The hard case on purpose: the victim's answers lost for this long before it dies (0: only what the kill itself cuts).
const lostAnswersMs = values['lost-answers-ms'] === '0' ? 0 : wholeNumber('lost-answers-ms', values['lost-answers-ms'], 0);
// How long the router holds a down replica's sessions before passing them on (0: at once, no hold).
const holdMs = values['hold-ms'] === '0' ? 0 : wholeNumber('hold-ms', values['hold-ms'], DEFAULT_HOLD_MS);
if (killAtS >= seconds) {
  console.error(`simulate:cluster: --kill-at ${killAtS} must fall within the ${seconds} s of load\n${usage}`);
  process.exit(2);
}

const count = (value: number) => value.toLocaleString('en-US');

function report(figures: SimulationFigures): string[] {
  const { counts, merged, duplicates } = figures;
  return [
    `load: ${count(counts.sentEvents)} events sent in ${count(counts.attempts - counts.retries)} beacons of ${figures.eventsPerRequest}, ` +
      `${count(counts.acknowledgedEvents)} acknowledged (${count(counts.duplicateEvents)} of them answered as already held), ` +
      `${count(counts.refusedEvents)} refused, ${figures.unsettled} never acknowledged; ${count(counts.retries)} retries ` +
      `(${counts.failed} non-2xx, ${counts.lost} without an answer)`,
    ...figures.replicas.map(
      (replica, index) =>
        `replica-${index}: ${count(replica.rows)} rows stored (${count(replica.distinct)} distinct ids); answers ${JSON.stringify(replica.answered)}, ` +
        `${replica.cut} requests cut without an answer, ${replica.held} held (503, Retry-After) while it was down, ` +
        `${replica.passedOn} passed on to the next replica`,
    ),
    `down: ${figures.downSeconds.toFixed(1)} s from SIGKILL to answering again`,
    `merged (as a Distributed read sees them): ${count(merged.rows)} rows, ${count(merged.distinct)} distinct ids; ` +
      `stored twice: ${duplicates.ids.length} (${duplicates.fromCutAttempts} of them in requests the kill cut)`,
    `overview (readStats, 24h): total_events ${count(merged.overview.total_events)}, page_views ${count(merged.overview.page_views)}, ` +
      `visits ${count(merged.overview.visits)}, visitors ${count(merged.overview.visitors)}; counted from the distinct stored events: ` +
      `page_views ${count(merged.counted.page_views)}, visits ${count(merged.counted.visits)}, visitors ${count(merged.counted.visitors)}`,
  ];
}

/** Every acknowledged event stored once, none twice, and the overview counting exactly those. */
function verdict(figures: SimulationFigures): string[] {
  const { counts, merged, duplicates } = figures;
  const problems: string[] = [];
  if (figures.unsettled > 0) problems.push(`${figures.unsettled} requests were never acknowledged`);
  if (counts.acknowledgedEvents !== counts.sentEvents)
    problems.push(`acknowledged ${counts.acknowledgedEvents} != sent ${counts.sentEvents}`);
  if (merged.distinct !== counts.acknowledgedEvents)
    problems.push(`stored ${merged.distinct} distinct events, ${counts.acknowledgedEvents} acknowledged`);
  if (duplicates.ids.length > 0 || merged.rows !== merged.distinct) problems.push(`${merged.rows - merged.distinct} events stored twice`);
  if (merged.overview.total_events !== counts.acknowledgedEvents)
    problems.push(`the overview counts ${merged.overview.total_events} events, ${counts.acknowledgedEvents} acknowledged`);
  for (const name of ['page_views', 'visits', 'visitors'] as const) {
    if (merged.overview[name] !== merged.counted[name])
      problems.push(`the overview's ${name} ${merged.overview[name]} != ${merged.counted[name]} counted`);
  }
  // Every beacon reaches the replicas from the router's one address with one user agent: one visitor.
  if (merged.counted.visitors !== 1)
    problems.push(`${merged.counted.visitors} visitor ids for one visitor: the replicas hashed with different salts`);
  return problems;
}

const log = values.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
const figures = await simulateCluster({
  replicas: 3,
  seconds,
  rate,
  killAtS,
  victim: 1,
  lostAnswersMs,
  holdMs,
  log,
  keep: values.keep ?? false,
});
const problems = verdict(figures);
if (values.json) console.log(JSON.stringify(figures));
else {
  for (const line of report(figures)) console.log(line);
  console.log(
    problems.length === 0 ? 'exactly once: every acknowledged event stored once, none twice' : `NOT exactly once: ${problems.join('; ')}`,
  );
}
process.exit(problems.length === 0 ? 0 : 1);
