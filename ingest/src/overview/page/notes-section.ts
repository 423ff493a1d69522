// The owner's notes on the timeline ("posted on Hacker News", "new room"), from /api/annotations
// for the page's period: a marker on the chart for each and a list under it, and a form to add one
// when the answer says this page may (the owner's token or an admin key; never a shared link).
// Times are read and typed on the site's clock, as the chart's axis shows them.

import type { Api } from './api.js';
import type { Marker } from './chart.js';
import { el, fill } from './dom.js';
import { isoInZone, offsetSeconds } from '../../stats/time-zone.js';

/** The API's longest note (annotations/annotation-store.ts MAX_ANNOTATION_TEXT). */
const MAX_TEXT = 200;

interface Note {
  id: string;
  at: string;
  text: string;
}

/** `2026-10-28T09:30:00.000+01:00` as the site's clock reads it: `2026-10-28 09:30`. */
const wall = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

/** The instant, epoch seconds, a `YYYY-MM-DDTHH:MM` of the site's clock names (two corrections, as a clock change allows). */
export function instantOnClock(local: string, timeZone: string): number {
  const [date, time] = local.split('T') as [string, string];
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute) / 1000;
  const guess = asUtc - offsetSeconds(asUtc, timeZone);
  return asUtc - offsetSeconds(guess, timeZone);
}

export class NotesSection {
  /** The site and zone the section shows, set by `show`; the form adds to them. */
  #site = '';
  #timeZone = 'UTC';
  #period: Record<string, string> = {};

  constructor(
    private readonly section: HTMLElement,
    private readonly api: Api,
    /** Gives the chart the notes to mark. */
    private readonly mark: (markers: Marker[]) => void,
  ) {}

  /** Reads the notes of `site` over `period` and shows them; hides the section when they cannot be read. */
  async show(site: string, period: Record<string, string>, timeZone: string): Promise<void> {
    this.#site = site;
    this.#period = period;
    this.#timeZone = timeZone;
    const query = new URLSearchParams({ site, ...period });
    const response = await fetch(`/api/annotations?${query}`, { headers: this.api.headers('application/json') });
    // An answer for a view the owner has left is dropped.
    if (site !== this.#site || period !== this.#period) return;
    if (!response.ok) {
      this.section.hidden = true;
      this.mark([]);
      return;
    }
    const { annotations, writable } = (await response.json()) as { annotations: Note[]; writable?: boolean };
    this.mark(annotations.map((note) => ({ time: Date.parse(note.at) / 1000, text: note.text })));
    this.section.hidden = annotations.length === 0 && writable !== true;
    fill(this.section, [
      el('h2', '', ['Notes']),
      annotations.length === 0
        ? el('p', 'empty', ['No note in this period.'])
        : el(
            'ul',
            'notes-list',
            annotations.map((note) => el('li', 'note-row', [el('time', 'note-at', [wall(note.at)]), el('span', 'note-text', [note.text])])),
          ),
      writable === true && this.#form(),
    ]);
  }

  #form(): HTMLFormElement {
    const time = Object.assign(el('input', ''), {
      type: 'datetime-local',
      required: true,
      value: isoInZone(Date.now(), this.#timeZone).slice(0, 16),
    });
    const text = Object.assign(el('input', ''), {
      type: 'text',
      required: true,
      maxLength: MAX_TEXT,
      placeholder: 'Posted on Hacker News',
    });
    const add = Object.assign(el('button', '', ['Add note']), { type: 'submit' });
    const error = el('p', 'error');
    error.hidden = true;
    const form = el('form', 'note-form', [
      el('label', 'note-time', ['Time ', time, el('small', '', [this.#timeZone])]),
      el('label', 'note-input', ['Note ', text]),
      add,
      error,
    ]);
    form.id = 'note-form';
    form.onsubmit = async (event) => {
      event.preventDefault();
      add.disabled = true;
      try {
        const response = await fetch('/api/annotations', {
          method: 'POST',
          headers: { ...this.api.headers('application/json'), 'content-type': 'application/json' },
          body: JSON.stringify({ site: this.#site, at: instantOnClock(time.value, this.#timeZone), text: text.value }),
        });
        if (!response.ok) {
          // The service says what is wrong (a blank note, a time it cannot read); the form keeps what was typed.
          error.textContent = ((await response.json().catch(() => ({}))) as { message?: string }).message ?? `${response.status}`;
          error.hidden = false;
          return;
        }
        await this.show(this.#site, this.#period, this.#timeZone);
      } finally {
        add.disabled = false;
      }
    };
    return form;
  }
}
