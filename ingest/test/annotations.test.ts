// Annotations through the API: the owner adds notes (ISO time with its zone, or epoch seconds),
// lists them by period (as a read-only key may: a shared link's chart shows them) and deletes
// one; a read-only key is refused on create and delete (403); bad times and texts are refused
// with what is wrong.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp } from './support/test-app.js';

const TOKEN = 'owner-token-annotations';
const OWNER = { authorization: `Bearer ${TOKEN}` };

describe('annotations', () => {
  let app: FastifyInstance;
  let readOnly: Record<string, string>;

  beforeAll(async () => {
    app = await testApp({ statsToken: TOKEN });
    const key = await app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: OWNER,
      payload: { scope: 'read', site: 'portfolio', kind: 'share' },
    });
    readOnly = { authorization: `Bearer ${key.json().secret}` };
  });
  afterAll(async () => {
    await app.close();
  });

  const add = (body: unknown, headers: Record<string, string> = OWNER) =>
    app.inject({ method: 'POST', url: '/api/annotations', headers, payload: body as object });

  it('creates, lists by period and deletes notes', async () => {
    const hn = await add({ site: 'portfolio', at: '2026-10-28T09:30:00+01:00', text: 'posted on Hacker News' });
    expect(hn.statusCode, hn.body).toBe(201);
    expect(hn.json()).toMatchObject({ site: 'portfolio', text: 'posted on Hacker News' });
    expect(Date.parse(hn.json().at)).toBe(Date.UTC(2026, 9, 28, 8, 30));
    const room = await add({ site: 'portfolio', at: Date.UTC(2026, 9, 30, 12) / 1000, text: 'new room' });
    expect(room.statusCode, room.body).toBe(201);
    const later = await add({ site: 'portfolio', at: '2026-11-05T00:00:00Z', text: 'after the week' });
    expect(later.statusCode).toBe(201);

    // The read-only key reads them (a shared link's chart), for its period only.
    const list = await app.inject({ url: '/api/annotations?site=portfolio&from=2026-10-26&to=2026-11-01', headers: readOnly });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().annotations.map((note: { text: string }) => note.text)).toEqual(['posted on Hacker News', 'new room']);
    // The page shows its add form by this answer: never to a read-only key, always to the owner.
    expect(list.json().writable).toBe(false);

    const gone = await app.inject({ method: 'DELETE', url: `/api/annotations/${room.json().id}`, headers: OWNER });
    expect(gone.statusCode, gone.body).toBe(200);
    const after = await app.inject({ url: '/api/annotations?site=portfolio&from=2026-10-26&to=2026-11-10', headers: OWNER });
    expect(after.json().writable).toBe(true);
    expect(after.json().annotations.map((note: { text: string }) => note.text)).toEqual(['posted on Hacker News', 'after the week']);
    const again = await app.inject({ method: 'DELETE', url: `/api/annotations/${room.json().id}`, headers: OWNER });
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('FOOTFALL_UNKNOWN_ANNOTATION');
  });

  it('refuses a read-only key on create and delete (403)', async () => {
    const made = await add({ site: 'portfolio', at: '2026-10-29T10:00:00Z', text: 'kept' });
    const create = await add({ site: 'portfolio', at: '2026-10-29T10:00:00Z', text: 'from a shared link' }, readOnly);
    expect(create.statusCode).toBe(403);
    expect(create.json().code).toBe('FOOTFALL_KEY_READ_ONLY');
    const remove = await app.inject({ method: 'DELETE', url: `/api/annotations/${made.json().id}`, headers: readOnly });
    expect(remove.statusCode).toBe(403);
    const list = await app.inject({ url: '/api/annotations?site=portfolio&from=2026-10-29&to=2026-10-29', headers: OWNER });
    expect(list.json().annotations.map((note: { text: string }) => note.text)).toEqual(['kept']);
  });

  it('refuses bad times and texts with what is wrong', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ site: 'portfolio', at: '2026-10-29 10:00', text: 'x' }, /not an ISO time with its zone/],
      [{ site: 'portfolio', at: '2026-10-29T10:00:00', text: 'x' }, /not an ISO time with its zone/],
      [{ site: 'portfolio', at: Date.UTC(2026, 9, 29), text: 'x' }, /milliseconds\? divide by 1000/],
      [{ site: 'portfolio', at: '2026-10-29T10:00:00Z', text: 'x'.repeat(201) }, /must NOT have more than 200 characters/],
      [{ site: 'portfolio', at: '2026-10-29T10:00:00Z', text: '   ' }, /blank/],
      [{ site: 'portfolio', at: '2026-10-29T10:00:00Z' }, /must have required property 'text'/],
    ];
    for (const [body, message] of cases) {
      const response = await add(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().message).toMatch(message);
    }
    const unknown = await add({ site: 'nowhere', at: '2026-10-29T10:00:00Z', text: 'x' });
    expect(unknown.statusCode).toBe(404);
  });
});
