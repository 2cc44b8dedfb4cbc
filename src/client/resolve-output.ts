import { checkStrictJsonSchema } from '../schema/check-strict-json-schema.js';
import type { ResolvedSchema } from '../schema/resolved-schema.js';
import { resolveSchema } from '../schema/resolve-schema.js';
import type { TurnOptions } from './turn-options.js';

/**
 * The turn's `output` schema resolved and checked against strict mode, or undefined without one.
 * Throws `SchemaError` (before anything is sent) for a schema the server would refuse.
 *
 * @example
 * import { z } from 'zod';
 *
 * const output = resolveOutput({ output: z.object({ verdict: z.string() }) });
 * output?.jsonSchema; // sent as turn/start.outputSchema
 */
export function resolveOutput(options: TurnOptions): ResolvedSchema<unknown> | undefined {
  if (options.output === undefined) return undefined;
  const resolved = resolveSchema(options.output);
  checkStrictJsonSchema(resolved.jsonSchema);
  return resolved;
}
