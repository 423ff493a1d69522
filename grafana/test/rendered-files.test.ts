// The committed dashboards and provisioning files must be exactly what the TypeScript renders.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderAll } from '../src/render.js';

const repositoryFile = (path: string): string => {
  try {
    return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  } catch {
    return '(missing)';
  }
};

describe('rendered files', () => {
  const rendered = renderAll();

  it('renders the five dashboards and the provisioning files', () => {
    expect([...rendered.keys()].filter((path) => path.startsWith('grafana/dashboards/'))).toHaveLength(5);
    // Data sources, dashboard provider, alert rules, notification templates, contact points (one
    // file per channel: webhook, email, webhook without email), notification policies, and the
    // Prometheus recording rules.
    expect([...rendered.keys()].filter((path) => path.startsWith('provisioning/'))).toHaveLength(9);
  });

  for (const [path, content] of rendered) {
    it(`${path} is up to date (run \`npm run grafana:render\` when this fails)`, () => {
      expect(repositoryFile(path)).toBe(content);
    });
  }
});
