import type { TurnStartParams } from '../protocol/generated/codecs.js';
import type { ApprovalMode } from './approval-mode.js';
import type { Sandbox } from './sandbox.js';

/**
 * Options of a turn (`thread.run`, `thread.turn`, …). What is not given is not sent, so the
 * thread's stored settings apply; settings given here persist for the turns after this one.
 *
 * @example
 * const result = await thread.run('Review only; change nothing.', {
 *   sandbox: Sandbox.readOnly,
 *   effort: 'high',
 *   signal: AbortSignal.timeout(5 * 60_000), // aborting interrupts the turn
 * });
 */
export interface TurnOptions {
  readonly approvalMode?: ApprovalMode;
  readonly cwd?: string;
  readonly effort?: TurnStartParams['effort'];
  readonly model?: string;
  /** A JSON Schema the final answer must follow. */
  readonly outputSchema?: unknown;
  readonly personality?: TurnStartParams['personality'];
  readonly sandbox?: Sandbox;
  readonly serviceTier?: TurnStartParams['serviceTier'];
  readonly summary?: TurnStartParams['summary'];
  /** Any other `turn/start` params, sent as given (checked with the protocol codec). */
  readonly params?: Partial<Omit<TurnStartParams, 'threadId' | 'input'>>;
  /**
   * How long this turn may go without progress before it is ended, in ms (0: never); by default
   * the client's `turnStallTimeoutMs`.
   */
  readonly stallTimeoutMs?: number;
  /** Cancels the call; for `run`, aborting also interrupts the turn on the server. */
  readonly signal?: AbortSignal;
}
