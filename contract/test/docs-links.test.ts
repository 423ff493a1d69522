import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The README and docs/ are one text split into files: every relative link between them, and every
// picture, must reach an existing file and, where it names one, a heading of that file.

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pages = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name)),
];

/** Lines outside fenced code blocks, where Markdown is read as Markdown. */
function prose(text: string): string[] {
  let fenced = false;
  return text.split('\n').filter((line) => {
    if (line.startsWith('```')) fenced = !fenced;
    return !fenced && !line.startsWith('```');
  });
}

/**
 * A heading's anchor as GitHub makes it: the text as shown (no backticks, a link's text only), in
 * lower case, without punctuation, spaces as hyphens; a repeated anchor gets -1, -2, ...
 * (github-slugger's rules, written out for the ASCII headings these files have).
 */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const line of prose(text)) {
    const heading = /^#{1,6} (.*)$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const shown = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replaceAll('`', '');
    const base = shown
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replaceAll(' ', '-');
    const times = seen.get(base) ?? 0;
    seen.set(base, times + 1);
    found.add(times === 0 ? base : `${base}-${times}`);
  }
  return found;
}

/** Every link and picture target of a page that is not a URL: `[text](target)`, `![alt](target)`. */
function relativeLinks(text: string): string[] {
  const targets: string[] = [];
  for (const line of prose(text)) {
    const outsideCode = line.replace(/`[^`]*`/g, '``');
    for (const [, target] of outsideCode.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (target !== undefined && !/^[a-z]+:/.test(target)) targets.push(target);
    }
  }
  return targets;
}

describe('links between the README and docs/', () => {
  it('finds the pages and their links', () => {
    expect(pages).toContain(join('docs', 'limits.md'));
    expect(relativeLinks(readFileSync(join(repoRoot, 'README.md'), 'utf8')).length).toBeGreaterThan(5);
  });

  it('makes anchors as GitHub does', () => {
    expect([...anchors('# The native stack: `npm run stack`\n## Log records (`/v1/logs`)\n## Tests\n## Tests\n')]).toEqual([
      'the-native-stack-npm-run-stack',
      'log-records-v1logs',
      'tests',
      'tests-1',
    ]);
  });

  it.each(pages)('every relative link of %s reaches a file and a heading', (page) => {
    const broken: string[] = [];
    for (const target of relativeLinks(readFileSync(join(repoRoot, page), 'utf8'))) {
      const [path = '', anchor] = target.split('#');
      const file = path === '' ? join(repoRoot, page) : resolve(repoRoot, dirname(page), decodeURIComponent(path));
      if (!existsSync(file)) {
        broken.push(`${target}: no file ${relative(repoRoot, file)}`);
      } else if (anchor !== undefined && !anchors(readFileSync(file, 'utf8')).has(anchor)) {
        broken.push(`${target}: ${relative(repoRoot, file)} has no heading with the anchor #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
