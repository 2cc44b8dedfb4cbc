import type { JsonSchemaObject } from './json-schema-object.js';
import type { SchemaValidation } from './schema-validation.js';

/**
 * A schema made uniform: the JSON Schema the server gets and a validator for values.
 *
 * @example
 * import { z } from 'zod';
 *
 * const review: ResolvedSchema<{ verdict: string }> = resolveSchema(z.object({ verdict: z.string() }));
 * await codex.request('turn/start', { threadId, input: [{ type: 'text', text: 'Review', text_elements: [] }], outputSchema: review.jsonSchema });
 * const checked = await review.validate(JSON.parse('{"verdict":"approve"}'));
 */
export interface ResolvedSchema<T> {
  /** Where it came from: the Standard Schema vendor (`zod`, `valibot`, …), `io-ts`, or `json-schema`. */
  readonly vendor: string;
  readonly jsonSchema: JsonSchemaObject;
  /** Never throws: a validator that throws counts as one issue at the root. */
  validate(value: unknown): Promise<SchemaValidation<T>>;
}
