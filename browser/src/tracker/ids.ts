/**
 * About 100 random bits as base-36 text (characters the ingest service accepts in ids). Ids must
 * be unique, not secret, so `Math.random` serves: `crypto.getRandomValues` costs ten times as
 * much per call in Chromium, and `crypto.randomUUID` exists only in secure contexts.
 */
export const randomId = (): string => Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
