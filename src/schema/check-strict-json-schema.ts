import { SchemaError } from './schema-error.js';
import { strictJsonSchemaViolations } from './strict-json-schema-violations.js';

/**
 * Throws `SchemaError` naming every place where the server's strict structured-output mode would
 * refuse the JSON Schema (see `strictJsonSchemaViolations` for the rules); returns it otherwise.
 *
 * @example
 * import { z } from 'zod';
 *
 * const Review = z.object({ verdict: z.enum(['approve', 'reject']), note: z.string().optional() });
 * checkStrictJsonSchema(resolveSchema(Review).jsonSchema); // SchemaError: $.properties.note: property "note" is not in required …
 */
export function checkStrictJsonSchema<S>(schema: S): S {
  const violations = strictJsonSchemaViolations(schema);
  if (violations.length > 0) throw new SchemaError(violations, 'the server\'s strict mode would refuse this JSON Schema');
  return schema;
}
