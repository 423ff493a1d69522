// Runs every test once with vitest and prints one closing line, "tests: N passed, N failed,
// N skipped". Any failed or skipped test fails the run: in CI every tool is installed, so
// nothing may be skipped.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

// npm ci installs the supported Node.js into node_modules/.bin, which npm scripts put first on PATH.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`Node.js ${process.versions.node} is too old: run the tests with \`npm test\` after \`npm ci\`, which brings Node.js 24`);
  process.exit(1);
}

const report = '.vitest-report.json';
rmSync(report, { force: true });
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

let summary;
try {
  summary = JSON.parse(readFileSync(report, 'utf8'));
} catch {
  console.error('vitest wrote no report: it did not run the tests');
  process.exit(run.status || 1);
}
const passed = summary.numPassedTests;
const failed = summary.numFailedTests + (summary.numRuntimeErrorTestSuites ?? 0);
const skipped = summary.numPendingTests + summary.numTodoTests;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (skipped > 0) console.error('skipped tests are not allowed: every test must run');
process.exit(run.status !== 0 || failed > 0 || skipped > 0 || passed === 0 ? 1 : 0);
