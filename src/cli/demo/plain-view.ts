import type { Colors } from '../shared/colors.js';
import type { DemoState, LaneState, MessageView } from './demo-state.js';
import { formatDuration } from '../shared/format-duration.js';
import { wrapText } from '../shared/wrap-text.js';

/** Where plain lines wrap (CI logs have no width; this keeps them readable). */
const TEXT_WIDTH = 76;

/**
 * The demo for a log rather than a terminal (CI, a pipe): the lines that say what changed from
 * one state to the next, each prefixed with its thread. Text is printed a line at a time, as
 * soon as a line is complete, so the threads' answers still interleave as they stream; then
 * items as they complete, approvals as they are asked and answered, and each turn's outcome.
 * Since both states come from the same `scan`, the plain view and the live view cannot tell
 * different stories.
 *
 * @example
 * import { concatMap, pairwise, type Observable } from 'rxjs';
 * import { colorsFor } from '../shared/colors.js';
 * import type { DemoState } from './demo-state.js';
 *
 * declare const state$: Observable<DemoState>;
 * const colors = colorsFor(process.stdout);
 * state$.pipe(pairwise(), concatMap(([before, after]) => plainViewLines(before, after, colors)))
 *   .subscribe((line) => console.log(line));
 */
export function plainViewLines(previous: DemoState, next: DemoState, colors: Colors): string[] {
  const c = colors;
  const nameWidth = Math.max(...next.lanes.map((lane) => lane.title.length));
  const lines: string[] = [];
  if (previous.stopping === null && next.stopping !== null) lines.push(c.yellow(`${next.stopping}: interrupting the running turns`));
  next.lanes.forEach((lane, index) => {
    const before = previous.lanes[index]!;
    const prefix = `${c.bold(lane.title.padEnd(nameWidth))} ${c.dim('│')} `;
    const say = (text: string) => lines.push(prefix + text);
    if (before.startedAt === null && lane.startedAt !== null) say(`${c.cyan('▶')} ${lane.prompt}`);
    lane.messages.forEach((message, m) => {
      const printed = stableLines(before.messages[m]).length;
      const paint = message.phase === 'commentary' ? (text: string) => c.dim(c.italic(text)) : (text: string) => text;
      for (const line of stableLines(message).slice(printed)) say(`  ${paint(line)}`);
    });
    for (const item of lane.items) {
      const old = before.items.find((candidate) => candidate.itemId === item.itemId);
      if (old !== undefined && old.detail === item.detail && old.mark === item.mark) continue;
      const mark = { ok: c.green('✓'), failed: c.red('✗'), pending: c.yellow('?') }[item.mark];
      say(`${mark} ${item.label}${item.detail === '' ? '' : c.dim(` · ${item.detail}`)}`);
    }
    if (!before.finished && lane.finished) say(outcome(lane, c));
  });
  return lines;
}

/** The lines of a message that will not change any more: all of them once it is complete. */
function stableLines(message: MessageView | undefined): string[] {
  if (message === undefined || message.text === '') return [];
  const lines = wrapText(message.text, TEXT_WIDTH);
  return message.done ? lines.filter((line, i) => line !== '' || i < lines.length - 1) : lines.slice(0, -1);
}

function outcome(lane: LaneState, c: Colors): string {
  const elapsed = lane.startedAt === null || lane.endedAt === null ? '' : ` in ${formatDuration(lane.endedAt - lane.startedAt)}`;
  const tokens = lane.usage === null ? '' : ` · tokens ${lane.usage.input.toLocaleString('en-US')} in, ${lane.usage.output.toLocaleString('en-US')} out`;
  switch (lane.status) {
    case 'completed':
      return c.green(`✓ completed${elapsed}`) + c.dim(tokens);
    case 'interrupted':
      return c.yellow(`■ interrupted${elapsed}`) + c.dim(tokens);
    default:
      return c.red(`✗ failed${elapsed}: ${lane.error ?? 'unknown error'}`);
  }
}
