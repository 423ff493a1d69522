// docs/mutation.md's score table against the committed summary of the reports Stryker wrote
// (docs/mutation-scores.json, made by scripts/mutation-scores.ts): the table can never show other
// figures than a run measured, and the suite reads the scores without running Stryker.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type MutationScores, type ReportFiles, scopeScores, TABLE_HEADER, tableRows } from '../../scripts/mutation-summary.js';

const docs = new URL('../../docs/', import.meta.url);
const summary = JSON.parse(readFileSync(new URL('mutation-scores.json', docs), 'utf8')) as MutationScores;
const page = readFileSync(new URL('mutation.md', docs), 'utf8');

/** The first table under a heading, each row as its cells. */
function tableUnder(heading: string): string[][] {
  const lines = page.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`docs/mutation.md has no heading "${heading}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

describe('mutation scores', () => {
  it("docs/mutation.md's table is the committed summary, row by row", () => {
    const [header, rule, ...rows] = tableUnder('## Scores');
    expect(header).toEqual(TABLE_HEADER);
    expect(rule).toHaveLength(TABLE_HEADER.length);
    expect(rows).toEqual(tableRows(summary));
  });

  it('holds for every scope the sum of its files, and scores that follow from the counts', () => {
    expect(Object.keys(summary).length).toBeGreaterThan(0);
    for (const [scope, { date, total, files }] of Object.entries(summary)) {
      expect(date, scope).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      const sum = (key: 'mutants' | 'killed' | 'timeout' | 'survived' | 'noCoverage') =>
        Object.values(files).reduce((all, scores) => all + scores[key], 0);
      for (const key of ['mutants', 'killed', 'timeout', 'survived', 'noCoverage'] as const)
        expect(total[key], `${scope} ${key}`).toBe(sum(key));
      for (const [name, scores] of [[scope, total] as const, ...Object.entries(files)]) {
        const detected = scores.killed + scores.timeout;
        const scored = detected + scores.survived + scores.noCoverage;
        expect(scored, name).toBeLessThanOrEqual(scores.mutants);
        expect(scores.score, name).toBe(scored === 0 ? null : Math.round((detected / scored) * 1000) / 10);
        const covered = detected + scores.survived;
        expect(scores.scoreOfCovered, name).toBe(covered === 0 ? null : Math.round((detected / covered) * 1000) / 10);
      }
    }
  });

  it('are counted from a report by the status of each mutant', () => {
    const mutant = (id: string, status: string) => ({
      id,
      mutatorName: 'EqualityOperator',
      replacement: '>=',
      status,
      location: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
    });
    const files = {
      'ingest/src/b.ts': {
        language: 'typescript',
        source: 'x',
        mutants: [
          mutant('1', 'Killed'),
          mutant('2', 'Survived'),
          mutant('3', 'NoCoverage'),
          mutant('4', 'Timeout'),
          mutant('5', 'CompileError'),
        ],
      },
      'ingest/src/a.ts': { language: 'typescript', source: 'y', mutants: [mutant('6', 'Killed')] },
    } as unknown as ReportFiles;
    const scores = scopeScores(files, '2026-12-07');
    expect(Object.keys(scores.files)).toEqual(['ingest/src/a.ts', 'ingest/src/b.ts']);
    expect(scores.files['ingest/src/b.ts']).toEqual({
      mutants: 5,
      killed: 1,
      timeout: 1,
      survived: 1,
      noCoverage: 1,
      score: 50,
      scoreOfCovered: 66.7,
    });
    expect(scores.total).toEqual({ mutants: 6, killed: 2, timeout: 1, survived: 1, noCoverage: 1, score: 60, scoreOfCovered: 75 });
    expect(tableRows({ run: scores })[0]).toEqual(['**run**, 2026-12-07', '6', '2', '1', '1', '1', '60.0 %', '75.0 %']);
  });
});
