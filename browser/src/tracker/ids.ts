/**
 * 128 random bits from the platform's CSPRNG, as four decimal numbers joined by `_` (characters
 * the ingest service accepts in ids). `crypto.randomUUID` would read better, but it only exists
 * in secure contexts, and a portfolio may well be served over plain HTTP.
 */
export const randomId = (): string => crypto.getRandomValues(new Uint32Array(4)).join('_');
