// The dashboards read attributes and metrics by the names the browser and the ingest service write:
// every name of our `portfolio.` namespace in a dashboard's SQL, as rendered and as committed, is
// one of the contract's (ATTR, METRIC), so a renamed attribute fails here and not on a blank panel.
import { readdirSync, readFileSync } from 'node:fs';
import { ATTR, METRIC } from '@footfall/contract';
import { describe, expect, it } from 'vitest';
import { renderAll } from '../src/render.js';

const root = new URL('../../', import.meta.url);

/** Every `portfolio.` name a text quotes (`'portfolio.site'`, `'portfolio.web_vital.lcp'`, a LIKE prefix). */
function portfolioNames(text: string): string[] {
  return [...text.matchAll(/'(portfolio\.[A-Za-z0-9_.]*)%?'/g)].map((match) => match[1]!);
}

/** A contract name: an attribute, a props attribute, a metric, or a web vital's histogram (or their prefix). */
function isContractName(name: string): boolean {
  const attributes: string[] = Object.values(ATTR);
  const metrics: string[] = Object.values(METRIC);
  if (attributes.includes(name) || metrics.includes(name)) return true;
  return [ATTR.propsPrefix, METRIC.webVitalPrefix].some(
    (prefix) => name.startsWith(prefix) && /^[a-z0-9_]*$/.test(name.slice(prefix.length)),
  );
}

describe('the dashboards take the contract names', () => {
  it('the rendered dashboards name only attributes and metrics of the contract', () => {
    const rendered = [...renderAll()].filter(([path]) => path.startsWith('grafana/dashboards/'));
    expect(rendered.length).toBeGreaterThan(0);
    const names = rendered.flatMap(([path, content]) => portfolioNames(content).map((name) => [path, name] as const));
    // The site's map lookup and the web vitals' names are read somewhere: the check has something to check.
    expect(names.map(([, name]) => name)).toContain(ATTR.site);
    expect(names.some(([, name]) => name.startsWith(METRIC.webVitalPrefix))).toBe(true);
    for (const [path, name] of names) expect(isContractName(name), `${path} reads "${name}"`).toBe(true);
  });

  it('the committed dashboards name only attributes and metrics of the contract', () => {
    const folder = new URL('grafana/dashboards/', root);
    const files = readdirSync(folder).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      for (const name of portfolioNames(readFileSync(new URL(file, folder), 'utf8'))) {
        expect(isContractName(name), `grafana/dashboards/${file} reads "${name}"`).toBe(true);
      }
    }
  });

  it('tells a drifted name from a contract one', () => {
    expect(portfolioNames(`ResourceAttributes['portfolio.site'] AND name LIKE 'portfolio.web_vital.%'`)).toEqual([
      'portfolio.site',
      'portfolio.web_vital.',
    ]);
    expect(isContractName('portfolio.site')).toBe(true);
    expect(isContractName('portfolio.web_vital.lcp')).toBe(true);
    expect(isContractName('portfolio.sites')).toBe(false);
    expect(isContractName('portfolio.object_id')).toBe(false);
  });
});
