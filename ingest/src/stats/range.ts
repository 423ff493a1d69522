/** The time ranges the read API knows (how finely each is drawn: parse-query.ts). */

export const RANGES = { '5m': 300, '1h': 3600, '24h': 86_400, '7d': 604_800, '30d': 2_592_000 } as const;
export type Range = keyof typeof RANGES;
export const RANGE_NAMES = Object.keys(RANGES) as Range[];
