// `npm run schema [-- --cluster <name>]`: every statement a migration from nothing runs, in order,
// each ending with `;`: the single-server schema, or with --cluster its form for that ClickHouse
// cluster (replicated local tables ON CLUSTER under Distributed ones), to read or to run by hand.
import { parseArgs } from 'node:util';
import { CLUSTER_NAME } from '../ingest/src/clickhouse/cluster-schema.js';
import { schemaStatements } from '../ingest/src/clickhouse/migrate.js';

let cluster: string | undefined;
try {
  ({
    values: { cluster },
  } = parseArgs({ options: { cluster: { type: 'string' } }, strict: true }));
} catch (error) {
  console.error(`schema: ${(error as Error).message}\nusage: npm run schema [-- --cluster <name>]`);
  process.exit(2);
}
if (cluster !== undefined && !CLUSTER_NAME.test(cluster)) {
  console.error(`schema: --cluster ${JSON.stringify(cluster)} is not a cluster name (letters, digits and _, not starting with a digit)`);
  process.exit(2);
}

for (const statement of schemaStatements({ cluster })) {
  const text = statement.trim();
  // A statement whose last line is a comment would swallow a `;` written on that line.
  const lastLine = text.slice(text.lastIndexOf('\n') + 1);
  process.stdout.write(`${text}${lastLine.trimStart().startsWith('--') ? '\n' : ''};\n\n`);
}
