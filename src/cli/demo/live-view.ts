import type { Colors } from '../shared/colors.js';
import type { DemoState, ItemView, LaneState, LaneStatus } from './demo-state.js';
import { formatDuration } from '../shared/format-duration.js';
import { wrapText } from '../shared/wrap-text.js';

/** How the live view is laid out and what it says about the run. */
export interface LiveViewOptions {
  /** Terminal columns and rows. */
  readonly width: number;
  readonly height: number;
  readonly colors: Colors;
  /** A person answers approvals: the question is shown at the bottom. */
  readonly interactive: boolean;
  /** Which model answers, for the title line. */
  readonly model: 'scripted' | 'live';
}

type Paint = (text: string) => string;
type Segment = readonly [text: string, paint?: Paint];

const SEPARATOR = ' │ ';
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const ITEM_LINES = 4;
const PROMPT_LINES = 2;
const MIN_COLUMN = 24;
const MAX_COLUMN = 64;

/**
 * One frame of the demo's live terminal view, drawn from the state alone: the threads side by
 * side (one under the other when the terminal is too narrow), each with its status, elapsed
 * time, prompt, streamed text, completed items and token usage; the question to answer at the
 * bottom when an approval waits for the user. Every block has a fixed height, so the frame does
 * not jump as text arrives.
 *
 * @example
 * import { createLogUpdate } from 'log-update';
 * import type { Observable } from 'rxjs';
 * import { colorsFor } from '../shared/colors.js';
 * import type { DemoState } from './demo-state.js';
 *
 * declare const state$: Observable<DemoState>;
 * const colors = colorsFor(process.stdout);
 * const log = createLogUpdate(process.stdout);
 * state$.subscribe((state) => log(renderLiveView(state, { width: 160, height: 40, colors, interactive: false, model: 'scripted' })));
 */
export function renderLiveView(state: DemoState, options: LiveViewOptions): string {
  const { colors: c } = options;
  const width = Math.max(MIN_COLUMN, options.width - 1);
  const count = Math.max(1, state.lanes.length);
  const sideBySide = Math.floor((width - SEPARATOR.length * (count - 1)) / count) >= MIN_COLUMN;
  const column = sideBySide ? Math.min(MAX_COLUMN, Math.floor((width - SEPARATOR.length * (count - 1)) / count)) : width;
  const total = sideBySide ? column * count + SEPARATOR.length * (count - 1) : width;

  // Fixed lines per lane: title, status, the prompt, two rules, the items, usage.
  const fixed = 2 + PROMPT_LINES + 2 + ITEM_LINES + 1;
  const chrome = 4; // title line, blank line, blank line, footer
  const textLines = sideBySide
    ? clamp(options.height - chrome - fixed - 1, 3, 9)
    : clamp(Math.floor((options.height - chrome) / count) - fixed - 1, 2, 6);

  const blocks = state.lanes.map((lane) => laneBlock(lane, state, column, textLines, c));
  const body = sideBySide
    ? blocks[0]!.map((_, row) => blocks.map((block) => block[row]!).join(c.dim(SEPARATOR)))
    : blocks.flatMap((block, index) => (index === 0 ? block : ['', ...block]));

  const model = options.model === 'scripted' ? 'scripted model, offline' : 'live model';
  const title = spread(
    total,
    [
      ['codex-rx demo', c.bold],
      [` · ${state.lanes.length} threads, concurrent turns on one app-server · ${model}`, c.dim],
    ],
    [formatDuration(state.now - state.startedAt), c.dim],
  );
  return [title, '', ...body, '', footer(state, options, total)].join('\n');
}

function laneBlock(lane: LaneState, state: DemoState, width: number, textLines: number, c: Colors): string[] {
  const elapsed = lane.startedAt === null ? '' : formatDuration((lane.endedAt ?? state.now) - lane.startedAt);
  const rule = c.dim('─'.repeat(width));
  return [
    spread(width, [statusIcon(lane.status, state.now, c), [' '], [lane.title, c.bold]], [elapsed, c.dim]),
    fit(width, statusLine(lane, c)),
    ...promptLines(lane.prompt, width, c),
    rule,
    ...textBlock(lane, width, textLines, c),
    rule,
    ...itemBlock(lane.items, width, c),
    fit(width, usageLine(lane, width, c)),
  ];
}

/** The prompt on two lines (the second one cut short if need be), so that each lane says what it was asked. */
function promptLines(prompt: string, width: number, c: Colors): string[] {
  const wrapped = wrapText(prompt.replace(/\s+/g, ' ').trim(), width);
  const lines = wrapped.slice(0, PROMPT_LINES);
  if (wrapped.length > PROMPT_LINES) lines[PROMPT_LINES - 1] = wrapped.slice(PROMPT_LINES - 1).join(' ');
  while (lines.length < PROMPT_LINES) lines.push('');
  return lines.map((line) => fit(width, [line, c.dim]));
}

/** How each status shows: its icon, its label and their colour (a running lane's icon spins). */
const STATUS_VIEW: Record<LaneStatus, { readonly icon: string; readonly label: string; readonly color: 'dim' | 'cyan' | 'yellow' | 'green' | 'red' }> = {
  starting: { icon: '·', label: 'starting the thread…', color: 'dim' },
  running: { icon: SPINNER[0]!, label: 'thinking…', color: 'cyan' },
  awaitingApproval: { icon: '?', label: 'waiting for approval', color: 'yellow' },
  completed: { icon: '✓', label: 'completed', color: 'green' },
  failed: { icon: '✗', label: 'failed', color: 'red' },
  interrupted: { icon: '■', label: 'interrupted', color: 'yellow' },
};

function statusIcon(status: LaneStatus, now: number, c: Colors): Segment {
  const { icon, color } = STATUS_VIEW[status];
  return [status === 'running' ? SPINNER[Math.floor(now / 80) % SPINNER.length]! : icon, c[color]];
}

function statusLine(lane: LaneState, c: Colors): Segment {
  const { label, color } = STATUS_VIEW[lane.status];
  if (lane.status === 'running') {
    const streaming = lane.messages.some((message) => !message.done);
    return [lane.activity ?? (streaming ? 'streaming' : label), c[color]];
  }
  return [lane.status === 'failed' ? `${label}: ${lane.error ?? 'unknown error'}` : label, c[color]];
}

/** The streamed text, last lines first to go: commentary dimmed, a cursor while it streams. */
function textBlock(lane: LaneState, width: number, height: number, c: Colors): string[] {
  const lines: Segment[] = [];
  for (const message of lane.messages) {
    if (lines.length > 0) lines.push(['']);
    const paint = message.phase === 'commentary' ? (text: string) => c.dim(c.italic(text)) : undefined;
    const streaming = !message.done && lane.status === 'running';
    const wrapped = wrapText(message.text + (streaming ? '▍' : ''), width);
    for (const line of wrapped) lines.push(paint === undefined ? [line] : [line, paint]);
  }
  const visible = lines.slice(-height);
  while (visible.length < height) visible.push(['']);
  return visible.map((segment) => fit(width, segment));
}

function itemBlock(items: readonly ItemView[], width: number, c: Colors): string[] {
  const marks: Record<ItemView['mark'], Segment> = { ok: ['✓', c.green], failed: ['✗', c.red], pending: ['?', c.yellow] };
  const shown = items.slice(-ITEM_LINES).map((item) => {
    const detail = item.detail === '' ? '' : ` · ${item.detail}`;
    // The detail is the outcome, so the label gives way first, down to half of the line.
    const label = truncate(item.label, Math.max(width - 2 - detail.length, Math.ceil((width - 2) / 2)));
    return fit(width, marks[item.mark], [' '], [label], [detail, c.dim]);
  });
  while (shown.length < ITEM_LINES) shown.push(' '.repeat(width));
  return shown;
}

function usageLine(lane: LaneState, width: number, c: Colors): Segment {
  if (lane.usage === null) return ['tokens –', c.dim];
  const { input, cachedInput, output } = lane.usage;
  const full = `tokens ${number(input)} in (${number(cachedInput)} cached) · ${number(output)} out`;
  const short = `tokens ${number(input)} in · ${number(output)} out`;
  return [cachedInput > 0 && full.length <= width ? full : short, c.dim];
}

function footer(state: DemoState, options: LiveViewOptions, width: number): string {
  const c = options.colors;
  const running = state.lanes.filter((lane) => !lane.finished).length;
  const elapsed = formatDuration(state.now - state.startedAt);
  if (running === 0) {
    const how = state.stopping === null ? `All ${state.lanes.length} turns finished` : `Stopped by ${state.stopping}`;
    return fit(width, [`${how} after ${elapsed}.`, c.dim]);
  }
  if (state.stopping !== null) return fit(width, ['Interrupting the running turns… (Ctrl-C again to quit at once)', c.yellow]);
  const asking = options.interactive ? state.lanes.find((lane) => lane.approval?.state === 'asked') : undefined;
  if (asking !== undefined) {
    return fit(width, [`Allow ${asking.title} to run: `, c.bold], [asking.approval!.subject, (t) => c.bold(c.yellow(t))], ['  [y/N]', c.bold]);
  }
  const done = state.lanes.length - running;
  return fit(width, [`${running} running · ${done} finished`, c.dim], ['   Ctrl-C interrupts', c.dim]);
}

/** Segments cut or padded to exactly `width` characters, then painted. */
function fit(width: number, ...segments: Segment[]): string {
  let out = '';
  let used = 0;
  for (const [text, paint] of segments) {
    const room = width - used;
    if (room <= 0) break;
    const piece = truncate(text, room);
    out += paint === undefined ? piece : paint(piece);
    used += piece.length;
  }
  return out + ' '.repeat(Math.max(0, width - used));
}

/** `left` fitted to what `right` leaves, `right` flush right. */
function spread(width: number, left: Segment[], right: Segment): string {
  const rightText = truncate(right[0], width);
  const paintRight = right[1] ?? ((text: string) => text);
  const room = width - rightText.length - (rightText === '' ? 0 : 1);
  return fit(room, ...left) + (rightText === '' ? '' : ` ${paintRight(rightText)}`);
}

function truncate(text: string, width: number): string {
  // One line of known width: no line breaks, tabs or control characters (escape codes from a
  // model's text included) may reach the terminal and shift the columns.
  const flat = text.replace(/\s*\n\s*/g, ' ').replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '');
  if (flat.length <= width) return flat;
  return width <= 1 ? flat.slice(0, Math.max(0, width)) : `${flat.slice(0, width - 1)}…`;
}

function number(value: number): string {
  return value.toLocaleString('en-US');
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
