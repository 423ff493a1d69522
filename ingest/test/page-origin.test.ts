// A stored span's or log record's resource names the page's origin (`portfolio.origin`) from the
// request's Origin header, unless it names its own; the resource map is shared by the rows of one
// resource, so it is copied, never changed.
import { ATTR } from '@footfall/contract';
import { describe, expect, it } from 'vitest';
import { withPageOrigin } from '../src/accept/page-origin.js';

const PAGE = 'https://shop.example.org';

function row(resource: Record<string, string>) {
  return { SpanName: 'GET /room', ResourceAttributes: resource };
}

describe('withPageOrigin()', () => {
  it("adds the request's Origin to a resource that names none, keeping the row's other columns and attributes", () => {
    const resource = { [ATTR.serviceName]: 'shop-web' };
    const sent = row(resource);
    const stored = withPageOrigin(sent, PAGE);
    expect(stored).toEqual({ SpanName: 'GET /room', ResourceAttributes: { [ATTR.serviceName]: 'shop-web', [ATTR.origin]: PAGE } });
    // The shared map is left as it was.
    expect(resource).toEqual({ [ATTR.serviceName]: 'shop-web' });
    expect(sent.ResourceAttributes).toBe(resource);
  });

  it('keeps the origin the resource names itself (the Collector set it from the same header)', () => {
    const sent = row({ [ATTR.serviceName]: 'shop-web', [ATTR.origin]: 'https://www.example.org' });
    expect(withPageOrigin(sent, PAGE)).toBe(sent);
    expect(sent.ResourceAttributes[ATTR.origin]).toBe('https://www.example.org');
  });

  it('returns the row itself without an Origin header, with or without an origin of its own', () => {
    const bare = row({ [ATTR.serviceName]: 'shop-web' });
    expect(withPageOrigin(bare, undefined)).toBe(bare);
    expect(bare.ResourceAttributes).toEqual({ [ATTR.serviceName]: 'shop-web' });
    const named = row({ [ATTR.origin]: PAGE });
    expect(withPageOrigin(named, undefined)).toBe(named);
  });
});
