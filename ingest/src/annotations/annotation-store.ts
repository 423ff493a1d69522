// The owner's notes on a site's timeline, in ClickHouse (migration 0036_create_annotations.sql):
// written by POST /api/annotations, listed by period for the page's chart and the weekly digest,
// deleted by id. Grafana reads the same table with an annotation query.
import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';

/** Longest text of a note: a line on a chart's marker, not an essay. */
export const MAX_ANNOTATION_TEXT = 200;

export interface Annotation {
  id: string;
  site: string;
  /** The instant the note is about, epoch ms. */
  at: number;
  text: string;
  /** When it was written, epoch ms. */
  created: number;
}

interface AnnotationRow {
  id: string;
  site: string;
  at_ms: string;
  text: string;
  created_ms: string;
}

/** Epoch ms as a DateTime64(3, 'UTC') value: `2026-11-02 08:00:00.000`. */
const clock = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

const fromRow = (row: AnnotationRow): Annotation => ({
  id: row.id,
  site: row.site,
  at: Number(row.at_ms),
  text: row.text,
  created: Number(row.created_ms),
});

export class AnnotationStore {
  constructor(private readonly client: ClickHouseClient) {}

  async add(note: { site: string; at: number; text: string }, now = Date.now()): Promise<Annotation> {
    const annotation = { id: randomUUID(), ...note, created: now };
    await this.client.insert({
      table: 'annotations',
      values: [{ id: annotation.id, site: note.site, at: clock(note.at), text: note.text, created: clock(now) }],
      format: 'JSONEachRow',
    });
    return annotation;
  }

  /** The site's notes with `at` in `[from, to)` (epoch ms), oldest first. */
  async list(site: string, from: number, to: number): Promise<Annotation[]> {
    const result = await this.client.query({
      query: `SELECT id, site, toUnixTimestamp64Milli(at) AS at_ms, text, toUnixTimestamp64Milli(created) AS created_ms
              FROM annotations
              WHERE site = {site:String} AND at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') AND at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
              ORDER BY at, id`,
      query_params: { site, from, to },
      format: 'JSONEachRow',
    });
    return (await result.json<AnnotationRow>()).map(fromRow);
  }

  async get(id: string): Promise<Annotation | undefined> {
    const result = await this.client.query({
      query: `SELECT id, site, toUnixTimestamp64Milli(at) AS at_ms, text, toUnixTimestamp64Milli(created) AS created_ms
              FROM annotations WHERE id = {id:String}`,
      query_params: { id },
      format: 'JSONEachRow',
    });
    const [row] = await result.json<AnnotationRow>();
    return row === undefined ? undefined : fromRow(row);
  }

  /** Deletes the note; false when there was none of that id. */
  async delete(id: string): Promise<boolean> {
    if ((await this.get(id)) === undefined) return false;
    await this.client.command({ query: 'DELETE FROM annotations WHERE id = {id:String}', query_params: { id } });
    return true;
  }
}
