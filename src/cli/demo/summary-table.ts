import Table from 'cli-table3';
import type { Colors } from '../shared/colors.js';
import type { LaneState } from './demo-state.js';
import { formatDuration } from '../shared/format-duration.js';

/**
 * The demo's closing table: one row per thread, from its `TurnResult` (status, items, token
 * usage, the server's duration, the final response), or the error when the lane never got a
 * result. The final response takes whatever width the other columns leave.
 *
 * @example
 * import { colorsFor } from '../shared/colors.js';
 * import type { DemoState } from './demo-state.js';
 *
 * declare const state: DemoState;
 * const colors = colorsFor(process.stdout);
 * process.stdout.write(`${summaryTable(state.lanes, { width: 120, colors })}\n`);
 */
export function summaryTable(lanes: readonly LaneState[], options: { readonly width: number; readonly colors: Colors }): string {
  const c = options.colors;
  // Widths include the two padding spaces; the final response gets what is left of the terminal.
  const titleWidth = Math.max(8, ...lanes.map((lane) => lane.title.length + 2));
  const widths = [titleWidth, 13, 7, 15, 8];
  const used = widths.reduce((sum, width) => sum + width + 1, 1);
  const responseWidth = Math.max(16, Math.min(72, options.width - used - 1));
  const table = new Table({
    head: ['thread', 'status', 'items', 'tokens in/out', 'time', 'final response'],
    colWidths: [...widths, responseWidth],
    wordWrap: true,
    style: { head: c.isColorSupported ? ['cyan'] : [], border: c.isColorSupported ? ['gray'] : [] },
  });
  for (const lane of lanes) {
    const result = lane.result;
    const status = result?.status ?? lane.status;
    const paint = status === 'completed' ? c.green : status === 'failed' ? c.red : c.yellow;
    const usage = result?.usage?.total;
    table.push([
      lane.title,
      paint(status),
      result === null ? '–' : String(result.items.length),
      usage === undefined ? '–' : `${usage.inputTokens.toLocaleString('en-US')} / ${usage.outputTokens.toLocaleString('en-US')}`,
      result?.durationMs === null || result?.durationMs === undefined ? '–' : formatDuration(result.durationMs),
      result?.finalResponse ?? lane.error ?? '–',
    ]);
  }
  return table.toString();
}
