import { formatSchemaIssues } from '../schema/format-schema-issues.js';
import type { SchemaIssue } from '../schema/schema-issue.js';
import type { TurnResult } from './turn-result.js';

/**
 * A turn run with an `output` schema ended without an answer of that schema: its final answer is
 * missing, is not JSON, or does not validate. The raw text and the issues are kept, and so is the
 * whole result, as `TurnFailedError` does.
 *
 * @example
 * import { z } from 'zod';
 *
 * try {
 *   await thread.run('Review the diff', { output: z.object({ verdict: z.enum(['approve', 'reject']) }) });
 * } catch (error) {
 *   if (error instanceof OutputValidationError) console.error(error.text, formatSchemaIssues(error.issues), error.result.status);
 * }
 */
export class OutputValidationError extends Error {
  override readonly name = 'OutputValidationError';
  constructor(
    readonly result: TurnResult,
    /** The final answer as the model wrote it (`result.finalResponse`); null when there was none. */
    readonly text: string | null,
    readonly issues: readonly SchemaIssue[],
  ) {
    const lines = formatSchemaIssues(issues.slice(0, 5)).replace(/\n/g, '; ');
    super(`turn ${result.id}: the final answer is not valid output: ${lines}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`);
  }
}
