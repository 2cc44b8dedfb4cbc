import type { TurnResult } from '../../turns/turn-result.js';
import type { TurnEvent } from '../../turns/turn-event.js';
import type { ApprovalEvent } from '../shared/answer-approvals.js';
import type { InterruptSignal } from '../shared/interrupt-signals.js';

/**
 * Everything that changes what the demo shows, merged into one stream and reduced with `scan`
 * into a `DemoState`. `lane` is the thread's column; `at` is when the event was seen (ms since
 * the epoch), stamped where it enters the stream so the reducer stays pure.
 *
 * @example
 * turn.events$.subscribe((event) => {
 *   const demoEvent: DemoEvent = { type: 'turn', lane: 0, event, at: Date.now() };
 * });
 */
export type DemoEvent =
  /** The lane's thread and turn have started. */
  | { readonly type: 'started'; readonly lane: number; readonly threadId: string; readonly turnId: string; readonly at: number }
  /** A notification of the lane's turn. */
  | { readonly type: 'turn'; readonly lane: number; readonly event: TurnEvent; readonly at: number }
  /** The lane's turn is over; its result, reduced from the same events. */
  | { readonly type: 'result'; readonly lane: number; readonly result: TurnResult; readonly at: number }
  /** The lane could not run: its thread or turn failed to start, or the connection went away. */
  | { readonly type: 'failed'; readonly lane: number; readonly message: string; readonly at: number }
  /** An approval was asked for or answered (the lane is found by thread id). */
  | { readonly type: 'approval'; readonly approval: ApprovalEvent; readonly automatic: boolean; readonly at: number }
  /** Ctrl-C (or SIGTERM): the running turns are being interrupted. */
  | { readonly type: 'stopping'; readonly signal: InterruptSignal; readonly at: number }
  /** Time passes (the live view's clocks and spinners). */
  | { readonly type: 'tick'; readonly at: number };
