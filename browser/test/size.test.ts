import { describe, expect, it } from 'vitest';
import { gzipSize } from '../bench/gzip-size.js';
import { buildScriptTag, type ScriptTagFiles } from '../scripts/bundles.js';

/**
 * The script tag's budgets, in bytes of `gzip -9 -n` of each minified file (measured by the
 * command itself). The core is what every page loads at once, held to the owner's 1,536 B; the
 * lazily loaded part comes after the page has loaded and holds what can wait, so its budget is
 * looser (hotspots took it from 1,280 B to 1,920 B); the heatmap overlay loads only for the
 * owner's heatmap link; the worker the lazy part sends from loads after it.
 */
export const BUDGETS: Record<keyof ScriptTagFiles, number> = {
  'footfall.js': 1536,
  'footfall-extra.js': 1920,
  'footfall-heatmap.js': 2048,
  'footfall-worker.js': 256,
};

describe('script-tag build', () => {
  it.each(Object.entries(BUDGETS))('%s stays within %i bytes by gzip -9 -n', async (name, budget) => {
    const code = (await buildScriptTag())[name as keyof ScriptTagFiles];
    const gzipped = gzipSize(code);
    console.log(`${name}: ${Buffer.byteLength(code)} B minified, ${gzipped} B gzip -9 -n (budget ${budget} B)`);
    expect(code.length).toBeGreaterThan(100);
    expect(gzipped).toBeLessThanOrEqual(budget);
  });
});
