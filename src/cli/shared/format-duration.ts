/**
 * A duration for a column or a table cell: tenths of a second below a minute, then minutes and
 * seconds.
 *
 * @example
 * formatDuration(2345);  // '2.3s'
 * formatDuration(83000); // '1m23s'
 */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 60_000) return `${(safe / 1000).toFixed(1)}s`;
  const seconds = Math.round(safe / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
