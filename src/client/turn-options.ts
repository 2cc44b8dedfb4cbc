import type { TurnStartParams } from '../protocol/generated/codecs.js';
import type { SchemaInput } from '../schema/schema-input.js';
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
  /**
   * The schema of the final answer, for typed output: the model is held to its JSON Schema
   * (`outputSchema`, strict), and the answer is parsed and validated into `result.output`. A
   * schema strict mode would refuse fails the call with `SchemaError` before anything is sent.
   */
  readonly output?: SchemaInput;
  /** A JSON Schema the final answer must follow, sent as given and not validated (see `output`). */
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

/**
 * Turn options with an `output` schema: `run` then resolves with a `TypedTurnResult` of the
 * schema's type, and the turn's handle has `output$`.
 *
 * @example
 * import { z } from 'zod';
 *
 * const options: OutputTurnOptions<z.ZodObject<{ verdict: z.ZodString }>> = { output: z.object({ verdict: z.string() }), effort: 'high' };
 */
export type OutputTurnOptions<S extends SchemaInput> = TurnOptions & { readonly output: S };
