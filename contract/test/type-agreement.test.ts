// The tracker publishes its event type for the pages that use it, so it keeps a declaration of its
// own (the published package cannot depend on this private workspace); this test fails the type
// check, and the run, the moment it and the contract's disagree.
import { describe, expectTypeOf, it } from 'vitest';
import type { EventProps as TrackerEventProps, FootfallEvent as TrackerEvent } from '../../browser/src/tracker/types.js';
import type { EventProps, FootfallEvent } from '@footfall/contract';
import type { EventInput } from '../../ingest/src/events/event-input.js';

describe('the event type', () => {
  it('is the same in the tracker as in the contract', () => {
    expectTypeOf<TrackerEvent>().toEqualTypeOf<FootfallEvent>();
    expectTypeOf<TrackerEventProps>().toEqualTypeOf<EventProps>();
  });

  it('is what the ingest service takes, with a site and with session and path optional', () => {
    expectTypeOf<FootfallEvent>().toExtend<EventInput>();
    expectTypeOf<EventInput['site']>().toEqualTypeOf<string | undefined>();
  });
});
