// How figures read: 1,234 / 12.3k, percentages, durations, and a change against the period before.

const whole = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

export function count(value: number): string {
  return value >= 100_000 ? compact.format(value) : whole.format(value);
}

export function percent(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}

export function duration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m ${Math.round(seconds % 60)}s` : `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** The change from `previous` to `current`, with its direction for colouring. */
export function change(current: number, previous: number): { text: string; direction: 'up' | 'down' | 'flat' } {
  if (previous === 0) return current === 0 ? { text: '–', direction: 'flat' } : { text: 'new', direction: 'up' };
  const ratio = (current - previous) / previous;
  if (Math.abs(ratio) < 0.005) return { text: '0%', direction: 'flat' };
  return { text: `${ratio > 0 ? '↑' : '↓'} ${percent(Math.abs(ratio))}`, direction: ratio > 0 ? 'up' : 'down' };
}

/** A change already worked out as a fraction (null: nothing before to compare with), as `change` shows it. */
export function changeOf(ratio: number | null, current: number): { text: string; direction: 'up' | 'down' | 'flat' } {
  if (ratio === null) return current === 0 ? { text: '–', direction: 'flat' } : { text: 'new', direction: 'up' };
  if (Math.abs(ratio) < 0.005) return { text: '0%', direction: 'flat' };
  return { text: `${ratio > 0 ? '↑' : '↓'} ${percent(Math.abs(ratio))}`, direction: ratio > 0 ? 'up' : 'down' };
}
