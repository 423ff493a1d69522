// "Last week in words": the weekly digest's sentences (/api/digest) for the last week that has
// ended in the site's zone, the text the Monday message carries. Read once per site: a week that
// has ended no longer changes. Hidden when the digest cannot be read.

import type { Api } from './api.js';
import { el, fill } from './dom.js';

interface Digest {
  site: string;
  week: string;
  dates: { from: string; to: string };
  sentences: string[];
}

export class DigestSection {
  #site: string | undefined;

  constructor(
    private readonly section: HTMLElement,
    private readonly api: Api,
  ) {}

  async show(site: string): Promise<void> {
    if (site === this.#site) return;
    this.#site = site;
    const response = await fetch(`/api/digest?${new URLSearchParams({ site })}`, { headers: this.api.headers('application/json') });
    if (site !== this.#site) return;
    if (!response.ok) {
      this.#site = undefined;
      this.section.hidden = true;
      return;
    }
    const digest = (await response.json()) as Digest;
    this.section.hidden = false;
    fill(this.section, [
      el('div', 'digest-head', [
        el('h2', '', ['Last week in words']),
        el('p', 'note', [`${digest.week}, ${digest.dates.from} to ${digest.dates.to}`]),
      ]),
      el(
        'ul',
        'digest-sentences',
        digest.sentences.map((sentence) => el('li', '', [sentence])),
      ),
    ]);
  }
}
