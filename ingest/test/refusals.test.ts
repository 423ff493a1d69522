// What a refusal names (src/accept/refusals.ts), for every reason: the value the owner is shown
// (the unknown site, origin, object; the bot's user agent; the field an event lacks; the time sent)
// and the site whose owner can act, each cut to MAX_VALUE_LENGTH characters; and the one-line
// count of reasons every answer starts with.
import { describe, expect, it } from 'vitest';
import { cut, MAX_VALUE_LENGTH, type RefusalContext, refusalOf, summariseReasons } from '../src/accept/refusals.js';

const context: RefusalContext = { defaultSite: 'portfolio' };

describe('refusalOf()', () => {
  it("names the site the event names, else its envelope's, else the catalog's default", () => {
    expect(refusalOf(3, 'unknown_object', { site: 'shop' }, { ...context, envelopeSite: 'blog' })).toMatchObject({
      index: 3,
      site: 'shop',
    });
    expect(refusalOf(0, 'unknown_object', {}, { ...context, envelopeSite: 'blog' })).toMatchObject({ site: 'blog' });
    expect(refusalOf(0, 'unknown_object', { site: 42 }, context)).toMatchObject({ site: 'portfolio' });
  });

  it('takes an item that is no object as an event naming nothing', () => {
    expect(refusalOf(1, 'invalid_field', 'page_view', context)).toEqual({
      index: 1,
      reason: 'invalid_field',
      value: '(event)',
      site: 'portfolio',
    });
    expect(refusalOf(2, 'unknown_type', null, context)).toEqual({ index: 2, reason: 'unknown_type', value: '', site: 'portfolio' });
  });

  it('names the unknown site as the site it resolved to', () => {
    expect(refusalOf(0, 'unknown_site', { site: 'nowhere' }, context).value).toBe('nowhere');
    expect(refusalOf(0, 'unknown_site', {}, { ...context, envelopeSite: 'gone' }).value).toBe('gone');
  });

  it("names the request's origin for an unknown origin and for an item of no site, and nothing without one", () => {
    const origin = 'https://elsewhere.example';
    expect(refusalOf(0, 'unknown_origin', {}, { ...context, origin }).value).toBe(origin);
    expect(refusalOf(0, 'no_site', {}, { ...context, origin }).value).toBe(origin);
    expect(refusalOf(0, 'no_site', {}, context).value).toBe('');
  });

  it('names the value of a sender refused whole, and nothing without one', () => {
    expect(refusalOf(0, 'bot', {}, { ...context, senderValue: 'curl/8.5.0' }).value).toBe('curl/8.5.0');
    expect(refusalOf(0, 'privacy_signal', {}, { ...context, senderValue: 'gpc' }).value).toBe('gpc');
    expect(refusalOf(0, 'bot', {}, context).value).toBe('');
    expect(refusalOf(0, 'privacy_signal', {}, context).value).toBe('');
  });

  it("names the field the shape check found, else the one the event's type cannot go without", () => {
    expect(refusalOf(0, 'missing_field', { type: 'page_view', ts: 1 }, context).value).toBe('id');
    expect(refusalOf(0, 'invalid_field', { id: 'evt-00000001', type: 'page_view', ts: 1, path: 42 }, context).value).toBe('path');
    const valid = { id: 'evt-00000001', ts: 1 };
    expect(refusalOf(0, 'missing_field', { ...valid, type: 'object_click' }, context).value).toBe('object');
    expect(refusalOf(0, 'missing_field', { ...valid, type: 'object_view' }, context).value).toBe('object');
    expect(refusalOf(0, 'missing_field', { ...valid, type: 'room_enter' }, context).value).toBe('room');
    expect(refusalOf(0, 'missing_field', { ...valid, type: 'room_exit' }, context).value).toBe('room');
    expect(refusalOf(0, 'missing_field', { ...valid, type: 'navigation' }, context).value).toBe('to');
    expect(refusalOf(0, 'missing_field', { ...valid, type: 'time_spent' }, context).value).toBe('duration_ms');
    // A followed link refused for its `to` (within the site, no web address) names no field.
    expect(refusalOf(0, 'missing_field', { ...valid, type: 'link_click' }, context).value).toBe('');
  });

  it('names how many props an event sent', () => {
    const props = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`p${i}`, i]));
    expect(refusalOf(0, 'too_many_props', { props }, context).value).toBe('12 props');
    expect(refusalOf(0, 'too_many_props', {}, context).value).toBe('0 props');
  });

  it("names an event's time as a date, a time past what a date holds as the number sent, and no number as nothing", () => {
    expect(refusalOf(0, 'too_old', { ts: Date.UTC(2020, 0, 2, 3, 4, 5) }, context).value).toBe('2020-01-02T03:04:05.000Z');
    expect(refusalOf(0, 'in_future', { ts: 8.64e15 }, context).value).toBe('+275760-09-13T00:00:00.000Z');
    expect(refusalOf(0, 'too_old', { ts: -8.64e15 }, context).value).toBe('-271821-04-20T00:00:00.000Z');
    expect(refusalOf(0, 'in_future', { ts: 8.64e15 + 1 }, context).value).toBe('8640000000000001');
    expect(refusalOf(0, 'too_old', { ts: -1e300 }, context).value).toBe('-1e+300');
    expect(refusalOf(0, 'in_future', { ts: Number.POSITIVE_INFINITY }, context).value).toBe('');
    expect(refusalOf(0, 'too_old', { ts: '2020-01-02' }, context).value).toBe('');
  });

  it('names the type, object or room the catalog lacks, and nothing when the event sends no text there', () => {
    expect(refusalOf(0, 'unknown_type', { type: 'signup' }, context).value).toBe('signup');
    expect(refusalOf(0, 'unknown_object', { object: 'cv-download' }, context).value).toBe('cv-download');
    expect(refusalOf(0, 'unknown_room', { room: 'attic' }, context).value).toBe('attic');
    expect(refusalOf(0, 'unknown_room', { room: 7 }, context).value).toBe('');
    expect(refusalOf(0, 'undeclared_prop', { type: 'signup' }, context).value).toBe('');
  });

  it('cuts a long value and a long site to MAX_VALUE_LENGTH characters', () => {
    const long = 'x'.repeat(MAX_VALUE_LENGTH + 1);
    const refusal = refusalOf(0, 'unknown_site', { site: long }, context);
    expect(refusal.value).toBe(`${'x'.repeat(MAX_VALUE_LENGTH - 1)}…`);
    expect(refusal.site).toBe(refusal.value);
  });
});

describe('cut()', () => {
  it('keeps a value of MAX_VALUE_LENGTH characters whole and ends a longer one with an ellipsis within the bound', () => {
    expect(MAX_VALUE_LENGTH).toBe(64);
    const whole = 'a'.repeat(MAX_VALUE_LENGTH);
    expect(cut(whole)).toBe(whole);
    expect(cut(`${whole}b`)).toBe(`${'a'.repeat(MAX_VALUE_LENGTH - 1)}…`);
    expect(cut(`${whole}b`)).toHaveLength(MAX_VALUE_LENGTH);
    expect(cut('')).toBe('');
  });
});

describe('summariseReasons()', () => {
  it('counts each reason once, in the order first seen', () => {
    expect(summariseReasons(['bot', 'unknown_object', 'bot'])).toBe('2 bot, 1 unknown_object');
    expect(summariseReasons(['too_old'])).toBe('1 too_old');
    expect(summariseReasons([])).toBe('');
  });
});
