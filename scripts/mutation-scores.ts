// Records scoped mutation runs in docs/mutation-scores.json and prints docs/mutation.md's table:
//   npx tsx scripts/mutation-scores.ts accept otlp-logs
// reads reports/mutation/<name>.json (written by `MUTATION_REPORT=<name> npm run mutate`), and
// replaces those scopes in the summary, keeping the others. Paste the table into docs/mutation.md
// and format it (npx biome check --write docs/mutation.md); a test holds the two equal.
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { markdownTable, type MutationScores, type ReportFiles, scopeScores } from './mutation-summary.js';

const root = new URL('../', import.meta.url);
const summaryFile = new URL('docs/mutation-scores.json', root);

const names = process.argv.slice(2);
if (names.length === 0) {
  console.error('usage: tsx scripts/mutation-scores.ts <report name>... (reports/mutation/<name>.json)');
  process.exit(2);
}

const summary: MutationScores = existsSync(summaryFile) ? JSON.parse(readFileSync(summaryFile, 'utf8')) : {};
for (const name of names) {
  const reportFile = new URL(`reports/mutation/${name}.json`, root);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { files: ReportFiles };
  // The report holds no time of its own: the day it was written is the run's.
  const date = statSync(reportFile).mtime.toISOString().slice(0, 10);
  summary[name] = scopeScores(report.files, date);
}
writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
console.log(markdownTable(summary));
