import type { TurnResult } from '../../turns/turn-result.js';
import type { ThreadItem } from '../../protocol/generated/codecs.js';
import type { TurnEvent } from '../../turns/turn-event.js';
import type { DemoEvent } from './demo-event.js';
import { displayCommand } from '../shared/display-command.js';
import type { InterruptSignal } from '../shared/interrupt-signals.js';

/** Where a lane's turn stands. */
export type LaneStatus = 'starting' | 'running' | 'awaitingApproval' | 'completed' | 'failed' | 'interrupted';

/** An agent message, streaming (`done: false`) or complete. */
export interface MessageView {
  readonly itemId: string;
  readonly text: string;
  /** `commentary` for progress notes, `final_answer` for the answer, null when the model gave none. */
  readonly phase: string | null;
  readonly done: boolean;
}

/** A completed item, or an approval, as one line. */
export interface ItemView {
  readonly itemId: string;
  readonly label: string;
  /** What came of it (`exit 0`, `42 words`, `accepted`), shown after the label. */
  readonly detail: string;
  readonly mark: 'ok' | 'failed' | 'pending';
}

/** The lane's approval, if its turn asked for one. */
export interface ApprovalView {
  readonly subject: string;
  readonly state: 'asked' | 'accepted' | 'declined';
  /** Answered by the demo (non-interactive mode) rather than by a person. */
  readonly automatic: boolean;
}

/** Token counts of the lane's thread so far. */
export interface UsageView {
  readonly input: number;
  readonly cachedInput: number;
  readonly output: number;
  readonly total: number;
}

/** One thread of the demo and its turn. */
export interface LaneState {
  readonly title: string;
  readonly prompt: string;
  readonly threadId: string | null;
  readonly turnId: string | null;
  readonly status: LaneStatus;
  readonly messages: readonly MessageView[];
  readonly items: readonly ItemView[];
  /** What the agent is doing right now besides writing, e.g. running a command. */
  readonly activity: string | null;
  readonly approval: ApprovalView | null;
  readonly usage: UsageView | null;
  /** When the turn started and ended (ms since the epoch, as seen by the client). */
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly error: string | null;
  readonly result: TurnResult | null;
  /** Nothing more will come for this lane (its result, or its failure, is in). */
  readonly finished: boolean;
}

/** Everything the demo's views draw. */
export interface DemoState {
  readonly lanes: readonly LaneState[];
  readonly startedAt: number;
  /** The time of the latest event: the views' clock. */
  readonly now: number;
  /** The signal that is stopping the demo, once one came. */
  readonly stopping: InterruptSignal | null;
}

/**
 * The demo's reducer, for `scan`: the next state after one event. Pure, and it never mutates:
 * a view may keep the previous state to compare (the plain view prints what changed).
 *
 * @example
 * import { scan, type Observable } from 'rxjs';
 * import { initialDemoState } from './initial-demo-state.js';
 * import { demoTasks } from './demo-script.js';
 * import type { DemoEvent } from './demo-event.js';
 *
 * declare const demoEvents$: Observable<DemoEvent>;
 * const state$ = demoEvents$.pipe(scan(reduceDemoState, initialDemoState(demoTasks(), Date.now())));
 */
export function reduceDemoState(state: DemoState, event: DemoEvent): DemoState {
  const next: DemoState = { ...state, now: Math.max(state.now, event.at) };
  switch (event.type) {
    case 'tick':
      return next;
    case 'stopping':
      return { ...next, stopping: next.stopping ?? event.signal };
    case 'started':
      return updateLane(next, event.lane, (lane) => ({
        ...lane,
        threadId: event.threadId,
        turnId: event.turnId,
        status: lane.status === 'starting' ? 'running' : lane.status,
        startedAt: lane.startedAt ?? event.at,
      }));
    case 'turn':
      return updateLane(next, event.lane, (lane) => reduceTurnEvent(lane, event.event, event.at));
    case 'result':
      return updateLane(next, event.lane, (lane) => ({
        ...lane,
        status: event.result.status === 'inProgress' ? lane.status : event.result.status,
        result: event.result,
        error: event.result.error?.message ?? lane.error,
        activity: null,
        endedAt: lane.endedAt ?? event.at,
        finished: true,
      }));
    case 'failed':
      return updateLane(next, event.lane, (lane) => ({
        ...lane,
        // After Ctrl-C, a lane that breaks off (say the server went down with the same Ctrl-C)
        // stopped because the user asked; the message still says how.
        status: next.stopping === null ? 'failed' : 'interrupted',
        error: event.message,
        activity: null,
        endedAt: lane.endedAt ?? event.at,
        finished: true,
      }));
    case 'approval': {
      const { request, state: answer } = event.approval;
      const index = next.lanes.findIndex((lane) => lane.threadId === request.threadId);
      if (index < 0) return next;
      // Also an item, so that it shows in order among the items (before the command it allows).
      const view: ItemView = {
        itemId: `approval:${request.itemId}`,
        label: `approval: ${request.subject}`,
        detail: answer === 'asked' ? 'asked' : `${event.automatic ? 'auto-' : ''}${answer}`,
        mark: answer === 'asked' ? 'pending' : answer === 'accepted' ? 'ok' : 'failed',
      };
      return updateLane(next, index, (lane) => ({
        ...lane,
        approval: { subject: request.subject, state: answer, automatic: event.automatic },
        items: upsertItem(lane.items, view),
        status: answer === 'asked' ? 'awaitingApproval' : lane.status === 'awaitingApproval' ? 'running' : lane.status,
      }));
    }
  }
}

function reduceTurnEvent(lane: LaneState, event: TurnEvent, at: number): LaneState {
  switch (event.method) {
    case 'turn/started':
      return {
        ...lane,
        turnId: event.params.turn.id,
        status: lane.status === 'starting' ? 'running' : lane.status,
        startedAt: lane.startedAt ?? at,
      };
    case 'item/started': {
      const { item } = event.params;
      if (item.type === 'agentMessage') return withMessage(lane, item.id, (message) => ({ ...message, phase: item.phase ?? null }));
      if (item.type === 'commandExecution') return { ...lane, activity: `running ${displayCommand(item.command)}` };
      if (item.type === 'fileChange') return { ...lane, activity: 'editing files' };
      return lane;
    }
    case 'item/agentMessage/delta':
      return withMessage(lane, event.params.itemId, (message) => ({ ...message, text: message.text + event.params.delta }));
    case 'item/completed': {
      const { item } = event.params;
      const withText =
        item.type === 'agentMessage'
          ? withMessage(lane, item.id, (message) => ({ ...message, text: item.text, phase: item.phase ?? message.phase, done: true }))
          : lane;
      const view = itemView(item);
      if (view === undefined) return withText;
      const activity = item.type === 'commandExecution' || item.type === 'fileChange' ? null : withText.activity;
      return { ...withText, activity, items: upsertItem(withText.items, view) };
    }
    case 'thread/tokenUsage/updated': {
      const { total } = event.params.tokenUsage;
      return {
        ...lane,
        usage: { input: total.inputTokens, cachedInput: total.cachedInputTokens, output: total.outputTokens, total: total.totalTokens },
      };
    }
    case 'turn/completed': {
      const { turn } = event.params;
      return {
        ...lane,
        status: turn.status === 'inProgress' ? lane.status : turn.status,
        error: turn.error?.message ?? lane.error,
        activity: null,
        endedAt: at,
      };
    }
    case 'error':
      return event.params.willRetry ? lane : { ...lane, error: event.params.error.message };
    default:
      return lane;
  }
}

function withMessage(lane: LaneState, itemId: string, change: (message: MessageView) => MessageView): LaneState {
  const index = lane.messages.findIndex((message) => message.itemId === itemId);
  if (index < 0) return { ...lane, messages: [...lane.messages, change({ itemId, text: '', phase: null, done: false })] };
  return { ...lane, messages: lane.messages.map((message, i) => (i === index ? change(message) : message)) };
}

/** One line for a completed item; none for the user's own message and for reasoning. */
function itemView(item: ThreadItem): ItemView | undefined {
  switch (item.type) {
    case 'userMessage':
    case 'reasoning':
      return undefined;
    case 'agentMessage': {
      const words = item.text.split(/\s+/).filter((word) => word !== '').length;
      return { itemId: item.id, label: item.phase === 'commentary' ? 'commentary' : 'message', detail: `${words} words`, mark: 'ok' };
    }
    case 'commandExecution': {
      const exit = item.exitCode ?? null;
      const detail = exit === null ? item.status : `exit ${exit}`;
      const ok = item.status === 'completed' && exit === 0;
      return { itemId: item.id, label: `$ ${displayCommand(item.command)}`, detail, mark: ok ? 'ok' : 'failed' };
    }
    case 'fileChange':
      return {
        itemId: item.id,
        label: 'file change',
        detail: `${item.changes.length} file(s), ${item.status}`,
        mark: item.status === 'completed' ? 'ok' : 'failed',
      };
    default:
      return { itemId: item.id, label: item.type, detail: '', mark: 'ok' };
  }
}

function upsertItem(items: readonly ItemView[], view: ItemView): readonly ItemView[] {
  const index = items.findIndex((item) => item.itemId === view.itemId);
  return index < 0 ? [...items, view] : items.map((item, i) => (i === index ? view : item));
}

function updateLane(state: DemoState, index: number, change: (lane: LaneState) => LaneState): DemoState {
  return { ...state, lanes: state.lanes.map((lane, i) => (i === index ? change(lane) : lane)) };
}
