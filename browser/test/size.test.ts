import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { scriptTagBundle } from '../scripts/bundles.js';

/** The script-tag tracker's budget: 1.5 KiB minified and gzipped. */
const BUDGET_BYTES = 1536;

describe('script-tag build', () => {
  it(`stays within ${BUDGET_BYTES} bytes minified and gzipped`, async () => {
    const result = await build({ ...scriptTagBundle, write: false, outfile: 'footfall.js' });
    const code = result.outputFiles[0]!.contents;
    const gzipped = gzipSync(code, { level: 9 }).length;
    console.log(`footfall.js: ${code.length} B minified, ${gzipped} B gzipped (budget ${BUDGET_BYTES} B)`);
    expect(code.length).toBeGreaterThan(500);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
