/** Cents as dollars: 1234 → $12.34. */
export const money = (cents: number | null): string =>
  cents === null ? '—' : `$${(cents / 100).toFixed(2)}`;

/** A duration in ms, to a glance: 850 ms, 12.3 s, 4 min 05 s. */
export const duration = (ms: number | null): string => {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
};

/** The time between two instants, or null while the second is not there. */
export const between = (from: string, to: string | null): number | null =>
  to === null ? null : Date.parse(to) - Date.parse(from);

/** An instant as the reader's local date and time. */
export const when = (iso: string | null): string => (iso === null ? '—' : new Date(iso).toLocaleString());
