// What the owner is told to do about each refusal (src/accept/refusal-hints.ts), one reason at a
// time: the hint names the value, the site and the catalog file as the owner would type it; and the
// message of an OTLP partial success, one group per reason, cut to its bound. The end-to-end
// answers of a beacon are in refusal-hints.test.ts.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type HintContext, hintOf, MAX_REFUSAL_MESSAGE_LENGTH, refusalMessage, shownPath } from '../src/accept/refusal-hints.js';

const context: HintContext = { catalogFile: join(process.cwd(), 'ingest', 'catalog.json'), eventTypes: ['page_view', 'object_click'] };
const hint = (reason: string, value: string, site = 'portfolio') => hintOf({ reason, value, site }, context);

describe('shownPath()', () => {
  it('shows a file within the working directory relative to it, and any other as configured', () => {
    expect(shownPath(join(process.cwd(), 'ingest', 'catalog.json'))).toBe(join('ingest', 'catalog.json'));
    expect(shownPath(join('ingest', 'catalog.json'))).toBe(join('ingest', 'catalog.json'));
    const sibling = resolve(process.cwd(), '..', 'elsewhere', 'catalog.json');
    expect(shownPath(sibling)).toBe(sibling);
    // The working directory itself is no file within it.
    expect(shownPath(process.cwd())).toBe(process.cwd());
  });
});

describe('hintOf()', () => {
  const catalog = join('ingest', 'catalog.json');

  it('tells where an origin goes, or what to send when the item came from no known origin', () => {
    expect(hint('no_site', 'https://shop.example')).toBe(
      `add \`https://shop.example\` to the origins of its site in \`${catalog}\`, or send the resource attribute \`portfolio.site\` (docs/otel-existing.md)`,
    );
    expect(hint('no_site', '')).toBe(
      `send the resource attribute \`portfolio.site\`, or send from a page whose origin a site of \`${catalog}\` lists (through the Collector: docs/otel-existing.md)`,
    );
    expect(hint('unknown_origin', 'http://localhost:3000', 'shop')).toBe(
      `add \`http://localhost:3000\` to the origins of site \`shop\` in \`${catalog}\``,
    );
  });

  it('gives no hint for a reason it does not know, an Object method’s name among them', () => {
    for (const reason of ['no_such_reason', 'toString', 'constructor', '__proto__']) expect(hint(reason, 'x'), reason).toBe('');
  });

  it('lists the event types the catalog takes for an unknown type', () => {
    expect(hint('unknown_type', 'signup')).toBe('`signup` is no event type; send one of page_view, object_click');
  });

  it('names the field to send, or the event when the shape check names none', () => {
    expect(hint('missing_field', 'object')).toBe('send `object` with the event (docs/otlp-mapping.md)');
    expect(hint('invalid_field', 'path')).toBe('send `path` with the type and length the event shape allows (docs/limits.md)');
    expect(hint('invalid_field', '')).toBe('send `the event` with the type and length the event shape allows (docs/limits.md)');
  });

  it('names the property dropped, its site and where to declare it', () => {
    expect(hint('undeclared_prop', 'plan', 'shop')).toBe(
      `the property \`plan\` was dropped from events of site \`shop\` (the events were kept): add it to the site's \`props\` in \`${catalog}\`, or stop sending it`,
    );
  });

  it("names a data point's metric, a bot's agent and a privacy signal", () => {
    expect(hint('invalid_value', 'portfolio.events')).toBe(
      "a point of `portfolio.events` has a NaN or infinite number, a delta counter going down, or a browser count that is not a whole number within bounds: fix the sender's instrument",
    );
    expect(hint('bot', 'curl/8.5.0')).toBe(
      "the user agent `curl/8.5.0` is a bot's; a test browser must send an ordinary browser's user agent for every request (Chromium: the `--user-agent` flag)",
    );
    expect(hint('privacy_signal', 'DNT: 1')).toBe(
      'the browser sent `DNT: 1` and PRIVACY_SIGNAL_MODE is drop; set it to anonymise to count such visits without ids',
    );
  });

  it('gives no hint for a reason this service does not know', () => {
    expect(hint('cosmic_ray', 'x')).toBe('');
  });
});

describe('refusalMessage()', () => {
  const item = (reason: string, value: string) => ({ reason, value, site: 'portfolio' });

  it('counts each reason once with its first value and hint, and names no value where there is none', () => {
    const refused = [item('bot', 'curl/8.5.0'), item('no_site', ''), item('bot', 'wget/1.21')];
    expect(refusalMessage('spans', refused, ({ reason, value }) => `hint of ${reason} ${value}`)).toBe(
      'spans refused: 2 bot (`curl/8.5.0`: hint of bot curl/8.5.0); 1 no_site (hint of no_site )',
    );
  });

  it('keeps a message of MAX_REFUSAL_MESSAGE_LENGTH characters whole and cuts a longer one to it, with an ellipsis', () => {
    const prefix = 'log records refused: 1 bot (`a`: ';
    const fits = (extra: number) =>
      refusalMessage('log records', [item('bot', 'a')], () => 'h'.repeat(MAX_REFUSAL_MESSAGE_LENGTH - prefix.length - 1 + extra));
    expect(fits(0)).toHaveLength(MAX_REFUSAL_MESSAGE_LENGTH);
    expect(fits(0).endsWith('h)')).toBe(true);
    const cut = fits(1);
    expect(cut).toHaveLength(MAX_REFUSAL_MESSAGE_LENGTH);
    expect(cut).toBe(`${prefix}${'h'.repeat(MAX_REFUSAL_MESSAGE_LENGTH - prefix.length - 1)}…`);
  });
});
