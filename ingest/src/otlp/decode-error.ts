/** Raised for a body that does not follow the protocol; the route answers 400 (never retried). */
export class OtlpDecodeError extends Error {}

/** 2200-01-01: past it, a time cannot be a real one, and ClickHouse's DateTime64(9) ends in 2262. */
export const LATEST_NANOS = 7_258_118_400_000_000_000n;
