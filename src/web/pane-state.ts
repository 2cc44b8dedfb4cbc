import type { IncomingServerRequest, protocol, TurnEvent } from '../browser/index.js';

/** The most of a command's output a pane keeps (and shows): the last lines, so a command printing for ever stays bounded. */
export const OUTPUT_LIMITS = { lines: 400, chars: 64 * 1024 } as const;

/** One item of a turn as the pane shows it: the server's latest view of it, and what streamed into it. */
export interface ItemView {
  readonly id: string;
  readonly item: protocol.ThreadItem;
  /** Streamed text: the message, the reasoning summary or the plan so far; the whole text once completed. */
  readonly text: string;
  /** The command's output, its last `OUTPUT_LIMITS` only. */
  readonly output: string;
  /** Lines of output dropped from the front to stay within the limits. */
  readonly hiddenLines: number;
  readonly done: boolean;
  /** Rebuilt by the client from the stored turn after a reconnection, not received live. */
  readonly reconstructed: boolean;
}

/** A turn as the pane shows it. */
export interface TurnView {
  readonly id: string;
  readonly status: protocol.TurnStatus;
  /** What the user asked (its user message). */
  readonly input: string;
  readonly items: readonly ItemView[];
  readonly durationMs: number | null;
  /** Tokens of this turn's model calls, summed. */
  readonly tokens: { readonly input: number; readonly cached: number; readonly output: number; readonly total: number } | null;
  readonly error: string | null;
  /** The server's last "retrying" message, while it retries. */
  readonly retry: string | null;
  readonly plan: { readonly explanation: string | null; readonly steps: readonly protocol.TurnPlanStep[] } | null;
  /** The turn was asked for typed output (an output schema): its answer is JSON. */
  readonly typed: boolean;
  /** The typed output so far: a partial object while the answer streams, then the validated value (`final`). */
  readonly output: { readonly value: unknown; readonly final: boolean } | null;
  /** Why the typed output was refused (not JSON, or not valid against the schema). */
  readonly outputError: string | null;
  /** Read from the stored thread when the pane opened. */
  readonly stored: boolean;
}

/** What one thread's pane shows. Produced only by `reducePane`, over the thread's events. */
export interface PaneState {
  readonly threadId: string;
  readonly name: string | null;
  readonly preview: string;
  readonly cwd: string;
  /** The stored history has been read (a new thread has none to read). */
  readonly loaded: boolean;
  readonly turns: readonly TurnView[];
  readonly goal: protocol.ThreadGoal | null;
  /** The approvals this thread waits for, oldest first. */
  readonly approvals: readonly IncomingServerRequest[];
  /** The last thing that went wrong outside a turn (a refused request …). */
  readonly error: string | null;
  /** The reasoning effort asked for with every turn (chosen when the thread was made). */
  readonly effort: string | null;
}

/** Everything that changes a pane. */
export type PaneEvent =
  | { readonly type: 'history'; readonly thread: protocol.Thread }
  | { readonly type: 'turn-started'; readonly turnId: string; readonly input: string; readonly typed: boolean }
  | { readonly type: 'event'; readonly event: TurnEvent; readonly reconstructed: boolean }
  | { readonly type: 'output'; readonly turnId: string; readonly value: unknown; readonly final: boolean }
  | { readonly type: 'output-failed'; readonly turnId: string; readonly message: string }
  | { readonly type: 'renamed'; readonly name: string | null }
  | { readonly type: 'goal'; readonly goal: protocol.ThreadGoal | null }
  | { readonly type: 'approvals'; readonly requests: readonly IncomingServerRequest[] }
  | { readonly type: 'failed'; readonly message: string };

/**
 * A pane with nothing in it yet.
 *
 * @example
 * const empty = initialPane({ threadId: 'thr_1', cwd: '/srv/project', effort: null, loaded: false });
 */
export function initialPane(start: { readonly threadId: string; readonly cwd: string; readonly effort: string | null; readonly loaded: boolean; readonly name?: string | null }): PaneState {
  return { threadId: start.threadId, name: start.name ?? null, preview: '', cwd: start.cwd, loaded: start.loaded, turns: [], goal: null, approvals: [], error: null, effort: start.effort };
}

/**
 * The pane's next state after one of its thread's events. Pure: the state given is never changed,
 * and what did not change keeps its identity, so a view redraws only what is new.
 *
 * @example
 * import { scan, type Observable } from 'rxjs';
 *
 * declare const paneEvents$: Observable<PaneEvent>;
 * const pane$ = paneEvents$.pipe(scan(reducePane, initialPane({ threadId, cwd: '/srv/project', effort: null, loaded: false })));
 */
export function reducePane(state: PaneState, event: PaneEvent): PaneState {
  switch (event.type) {
    case 'history':
      return {
        ...state,
        name: event.thread.name ?? null,
        preview: event.thread.preview,
        cwd: event.thread.cwd,
        loaded: true,
        // Turns that streamed in before the history arrived stay; the stored ones go first.
        turns: [...event.thread.turns.filter((turn) => !state.turns.some((known) => known.id === turn.id)).map(storedTurn), ...state.turns],
      };
    case 'turn-started':
      return withTurn(state, event.turnId, (turn) => ({ ...turn, input: turn.input || event.input, typed: event.typed }));
    case 'event':
      return reduceTurnEvent(state, event.event, event.reconstructed);
    case 'output':
      return withTurn(state, event.turnId, (turn) => (turn.output?.final ? turn : { ...turn, output: { value: event.value, final: event.final } }));
    case 'output-failed':
      return withTurn(state, event.turnId, (turn) => ({ ...turn, outputError: event.message }));
    case 'renamed':
      return { ...state, name: event.name };
    case 'goal':
      return { ...state, goal: event.goal };
    case 'approvals':
      return sameRequests(state.approvals, event.requests) ? state : { ...state, approvals: event.requests };
    case 'failed':
      return { ...state, error: event.message };
  }
}

function reduceTurnEvent(state: PaneState, event: TurnEvent, reconstructed: boolean): PaneState {
  switch (event.method) {
    case 'turn/started':
      return withTurn(state, event.params.turn.id, (turn) => ({ ...turn, status: event.params.turn.status }));
    case 'turn/completed': {
      const done = event.params.turn;
      return withTurn(state, done.id, (turn) => {
        // A turn that ended during a drop may carry items this pane never saw start.
        let items = turn.items;
        for (const item of done.items) {
          if (item.type !== 'userMessage' && !items.some((known) => known.id === item.id)) items = [...items, completedItem(undefined, item, reconstructed)];
        }
        return { ...turn, items, status: done.status, error: done.error?.message ?? turn.error, retry: null, durationMs: done.durationMs ?? turn.durationMs };
      });
    }
    case 'item/started':
    case 'item/completed': {
      const { item } = event.params;
      return withItem(state, event.params.turnId, item.id, item, (view) =>
        event.method === 'item/completed' ? completedItem(view, item, reconstructed) : { ...view, item, reconstructed: view.reconstructed || reconstructed },
      );
    }
    case 'item/agentMessage/delta':
    case 'item/plan/delta':
    case 'item/reasoning/summaryTextDelta':
      return withItem(state, event.params.turnId, event.params.itemId, placeholder(event.method, event.params.itemId), (view) =>
        view.done ? view : { ...view, text: view.text + event.params.delta },
      );
    case 'item/reasoning/summaryPartAdded':
      return withItem(state, event.params.turnId, event.params.itemId, placeholder(event.method, event.params.itemId), (view) =>
        view.done || view.text === '' ? view : { ...view, text: `${view.text}\n\n` },
      );
    case 'item/commandExecution/outputDelta':
      return withItem(state, event.params.turnId, event.params.itemId, placeholder(event.method, event.params.itemId), (view) =>
        view.done ? view : appendOutput(view, event.params.delta),
      );
    case 'item/fileChange/patchUpdated': {
      const { changes } = event.params;
      return withItem(state, event.params.turnId, event.params.itemId, placeholder(event.method, event.params.itemId), (view) =>
        view.item.type === 'fileChange' ? { ...view, item: { ...view.item, changes } } : view,
      );
    }
    case 'turn/plan/updated':
      return withTurn(state, event.params.turnId, (turn) => ({ ...turn, plan: { explanation: event.params.explanation ?? null, steps: event.params.plan } }));
    case 'thread/tokenUsage/updated': {
      const last = event.params.tokenUsage.last;
      return withTurn(state, event.params.turnId, (turn) => ({
        ...turn,
        tokens: {
          input: (turn.tokens?.input ?? 0) + last.inputTokens,
          cached: (turn.tokens?.cached ?? 0) + last.cachedInputTokens,
          output: (turn.tokens?.output ?? 0) + last.outputTokens,
          total: (turn.tokens?.total ?? 0) + last.totalTokens,
        },
      }));
    }
    case 'error':
      return withTurn(state, event.params.turnId, (turn) =>
        event.params.willRetry ? { ...turn, retry: event.params.error.message } : { ...turn, error: event.params.error.message, retry: null },
      );
    default:
      return state;
  }
}

/** The item as completed: its whole text and output from the server, whatever the deltas brought (some may have been lost in a drop). */
function completedItem(view: ItemView | undefined, item: protocol.ThreadItem, reconstructed: boolean): ItemView {
  const base = view ?? emptyItem(item);
  const text = item.type === 'agentMessage' || item.type === 'plan' ? item.text : item.type === 'reasoning' ? (item.summary ?? []).join('\n\n') || base.text : base.text;
  const whole = item.type === 'commandExecution' ? item.aggregatedOutput : undefined;
  const output = typeof whole === 'string' ? capOutput(whole, 0) : { output: base.output, hiddenLines: base.hiddenLines };
  // The whole output is kept once, capped, in `output`: not a second time, whole, in the item.
  const kept = item.type === 'commandExecution' && typeof whole === 'string' ? { ...item, aggregatedOutput: null } : item;
  return { ...base, item: kept, text, ...output, done: true, reconstructed: base.reconstructed || reconstructed };
}

function emptyItem(item: protocol.ThreadItem): ItemView {
  return { id: item.id, item, text: '', output: '', hiddenLines: 0, done: false, reconstructed: false };
}

/** What a delta for an item not yet started stands for, until its `item/started` (or `item/completed`) comes. */
function placeholder(method: string, id: string): protocol.ThreadItem {
  if (method === 'item/agentMessage/delta') return { type: 'agentMessage', id, text: '' };
  if (method === 'item/plan/delta') return { type: 'plan', id, text: '' };
  if (method === 'item/commandExecution/outputDelta') return { type: 'commandExecution', id, command: '', commandActions: [], cwd: '', status: 'inProgress' };
  if (method === 'item/fileChange/patchUpdated') return { type: 'fileChange', id, changes: [], status: 'inProgress' };
  return { type: 'reasoning', id, summary: [], content: [] };
}

function appendOutput(view: ItemView, delta: string): ItemView {
  return { ...view, ...capOutput(view.output + delta, view.hiddenLines) };
}

/** Keeps the last `OUTPUT_LIMITS` of an output, counting the lines dropped. Trims in steps, so appending stays cheap. */
function capOutput(output: string, hiddenLines: number): { output: string; hiddenLines: number } {
  if (output.length <= OUTPUT_LIMITS.chars * 2 && !hasMoreLines(output, OUTPUT_LIMITS.lines * 2)) return { output, hiddenLines };
  let cut = Math.max(0, output.length - OUTPUT_LIMITS.chars);
  let lines = 0;
  for (let at = output.length; at > cut; ) {
    at = output.lastIndexOf('\n', at - 1);
    if (at < cut) break;
    if (++lines > OUTPUT_LIMITS.lines) {
      cut = at;
      break;
    }
  }
  const dropped = output.slice(0, cut + (output[cut] === '\n' ? 1 : 0));
  return { output: output.slice(dropped.length), hiddenLines: hiddenLines + countLines(dropped) };
}

function hasMoreLines(text: string, limit: number): boolean {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) if (++count > limit) return true;
  return false;
}

function countLines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
  return count;
}

function storedTurn(turn: protocol.Turn): TurnView {
  const items = turn.items.map((item) => completedItem(undefined, item, false));
  const input = turn.items.find((item) => item.type === 'userMessage');
  return {
    ...emptyTurn(turn.id),
    status: turn.status,
    input: input === undefined ? '' : userText(input),
    items: items.filter((view) => view.item.type !== 'userMessage'),
    durationMs: turn.durationMs ?? null,
    error: turn.error?.message ?? null,
    stored: true,
  };
}

function emptyTurn(id: string): TurnView {
  return { id, status: 'inProgress', input: '', items: [], durationMs: null, tokens: null, error: null, retry: null, plan: null, typed: false, output: null, outputError: null, stored: false };
}

function withTurn(state: PaneState, turnId: string, change: (turn: TurnView) => TurnView): PaneState {
  const index = state.turns.findIndex((turn) => turn.id === turnId);
  const before = index === -1 ? emptyTurn(turnId) : state.turns[index]!;
  const after = change(before);
  if (after === before && index !== -1) return state;
  const turns = index === -1 ? [...state.turns, after] : state.turns.map((turn, at) => (at === index ? after : turn));
  return { ...state, turns };
}

function withItem(state: PaneState, turnId: string, itemId: string, item: protocol.ThreadItem, change: (view: ItemView) => ItemView): PaneState {
  return withTurn(state, turnId, (turn) => {
    // The user's message is the turn's input, not one of its items.
    if (item.type === 'userMessage') return turn.input === '' ? { ...turn, input: userText(item) } : turn;
    const index = turn.items.findIndex((view) => view.id === itemId);
    const before = index === -1 ? emptyItem(item) : turn.items[index]!;
    const after = change(before);
    if (after === before && index !== -1) return turn;
    return { ...turn, items: index === -1 ? [...turn.items, after] : turn.items.map((view, at) => (at === index ? after : view)) };
  });
}

function userText(item: protocol.ThreadItem & { type: 'userMessage' }): string {
  return item.content.map((part) => (part.type === 'text' ? part.text : `[${part.type}]`)).join('\n');
}

function sameRequests(a: readonly IncomingServerRequest[], b: readonly IncomingServerRequest[]): boolean {
  return a.length === b.length && a.every((request, index) => request === b[index]);
}
