// The mutation scores as docs/mutation-scores.json keeps them: per scope (a named Stryker run,
// MUTATION_REPORT) and per file, the counts of a JSON report (the mutation-testing-report schema)
// and the scores Stryker's own metrics package computes from them. docs/mutation.md's table is
// these rows; a test holds the two equal, so the table shows what a report measured.
import { calculateMetrics } from 'mutation-testing-metrics';

/** The `files` of a Stryker JSON report: each mutated file's source and mutants with their status. */
export type ReportFiles = Parameters<typeof calculateMetrics>[0];

export interface Scores {
  mutants: number;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Mutants a test failed on or that hung, of those that ran or no test reached, in percent with one decimal; null without any. */
  score: number | null;
  /** The same of the mutants some test of the run reached. */
  scoreOfCovered: number | null;
}

export interface ScopeScores {
  /** The day the report was written (UTC). */
  date: string;
  total: Scores;
  /** By path from the repository's root, in order. */
  files: Record<string, Scores>;
}

/** The summary file: the scopes by their run's name, in order. */
export type MutationScores = Record<string, ScopeScores>;

/** One decimal, as the table shows it; Stryker's NaN (nothing to score) is null, which JSON can hold. */
function percent(value: number): number | null {
  return Number.isNaN(value) ? null : Math.round(value * 10) / 10;
}

function scoresOf(files: ReportFiles): Scores {
  const { metrics } = calculateMetrics(files);
  return {
    mutants: metrics.totalMutants,
    killed: metrics.killed,
    timeout: metrics.timeout,
    survived: metrics.survived,
    noCoverage: metrics.noCoverage,
    score: percent(metrics.mutationScore),
    scoreOfCovered: percent(metrics.mutationScoreBasedOnCoveredCode),
  };
}

/** A run's scores, its whole scope and file by file. */
export function scopeScores(files: ReportFiles, date: string): ScopeScores {
  const paths = Object.keys(files).sort();
  return {
    date,
    total: scoresOf(files),
    files: Object.fromEntries(paths.map((path) => [path, scoresOf({ [path]: files[path]! })])),
  };
}

const count = (value: number) => value.toLocaleString('en-US');
const shownPercent = (value: number | null) => (value === null ? '–' : `${value.toFixed(1)} %`);

export const TABLE_HEADER = ['scope, file', 'mutants', 'killed', 'timeout', 'survived', 'no coverage', 'score', 'of covered'];

/** The table's rows, cell by cell: each scope's whole run, then its files (their paths under ingest/src/). */
export function tableRows(summary: MutationScores): string[][] {
  const cells = (name: string, scores: Scores) => [
    name,
    count(scores.mutants),
    count(scores.killed),
    count(scores.timeout),
    count(scores.survived),
    count(scores.noCoverage),
    shownPercent(scores.score),
    shownPercent(scores.scoreOfCovered),
  ];
  return Object.entries(summary).flatMap(([scope, { date, total, files }]) => [
    cells(`**${scope}**, ${date}`, total),
    ...Object.entries(files).map(([path, scores]) => cells(`\`${path.replace(/^ingest\/src\//, '')}\``, scores)),
  ]);
}

/** The table as Markdown (the formatter aligns its columns). */
export function markdownTable(summary: MutationScores): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rule = TABLE_HEADER.map((_, index) => (index === 0 ? '---' : '--:'));
  return [line(TABLE_HEADER), line(rule), ...tableRows(summary).map(line)].join('\n');
}
