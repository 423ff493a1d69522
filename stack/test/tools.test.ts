// toolPath() must fail loudly, naming the command that installs the tool, when a tool is missing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toolPath, toolsDir } from '@footfall/stack';

describe('toolPath', () => {
  const saved = process.env.FOOTFALL_TOOLS_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.FOOTFALL_TOOLS_DIR;
    else process.env.FOOTFALL_TOOLS_DIR = saved;
  });

  it('names `npm run setup` when the Collector has not been built', () => {
    const empty = mkdtempSync(join(tmpdir(), 'footfall-tools-'));
    try {
      process.env.FOOTFALL_TOOLS_DIR = empty;
      expect(() => toolPath('otelcol')).toThrow(/npm run setup/);
      expect(() => toolPath('otelcol')).toThrow(new RegExp(join(empty, 'bin', 'otelcol')));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('follows XDG_CACHE_HOME when FOOTFALL_TOOLS_DIR is unset', () => {
    expect(toolsDir({ XDG_CACHE_HOME: '/cache-home' })).toBe(join('/cache-home', 'footfall', 'tools'));
    expect(toolsDir({ FOOTFALL_TOOLS_DIR: '/elsewhere', XDG_CACHE_HOME: '/cache-home' })).toBe('/elsewhere');
  });

  it('finds every tool once `npm run setup` has run', () => {
    for (const name of ['otelcol', 'prometheus', 'promtool'] as const) {
      expect(toolPath(name)).toMatch(new RegExp(`/${name}$`));
    }
  });
});
