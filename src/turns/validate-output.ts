import type { ResolvedSchema } from '../schema/resolved-schema.js';
import { OutputValidationError } from './output-validation-error.js';
import type { TurnResult } from './turn-result.js';
import type { TypedTurnResult } from './typed-turn-result.js';

/**
 * The result with its final answer parsed as JSON and validated; rejects with
 * `OutputValidationError` when there is no final answer, it is not JSON, or it does not validate.
 *
 * @example
 * import { z } from 'zod';
 *
 * const typed = await validateOutput(result, resolveSchema(z.object({ verdict: z.string() })));
 * console.log(typed.output.verdict);
 */
export async function validateOutput<T>(result: TurnResult, schema: ResolvedSchema<T>): Promise<TypedTurnResult<T>> {
  const text = result.finalResponse;
  if (text === null) {
    throw new OutputValidationError(result, null, [{ message: `the turn ended (${result.status}) without a final answer`, path: [] }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OutputValidationError(result, text, [{ message: `the final answer is not JSON (${(error as Error).message})`, path: [] }]);
  }
  const checked = await schema.validate(parsed);
  if (checked.issues !== undefined) throw new OutputValidationError(result, text, checked.issues);
  return { ...result, output: checked.value };
}
