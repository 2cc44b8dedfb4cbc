import type { TurnResult } from './turn-result.js';

/**
 * The result of a turn run with an `output` schema: the `TurnResult` and its final answer parsed
 * and validated as the schema's type.
 *
 * @example
 * import { z } from 'zod';
 *
 * const result: TypedTurnResult<{ verdict: string }> = await thread.run('Review', { output: z.object({ verdict: z.string() }) });
 * console.log(result.output.verdict);
 */
export interface TypedTurnResult<T> extends TurnResult {
  /** The final answer (`finalResponse`) as JSON, validated by the schema: its output value. */
  readonly output: T;
}
