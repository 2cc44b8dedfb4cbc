/**
 * One problem of a schema, at a JSON path inside the schema.
 *
 * @example
 * const violations: readonly SchemaViolation[] = strictJsonSchemaViolations({ type: 'object', properties: { a: { type: 'string' } } });
 * for (const { path, message } of violations) console.log(`${path}: ${message}`);
 */
export interface SchemaViolation {
  /** Where in the JSON Schema, e.g. `$.properties.findings.items`. */
  readonly path: string;
  readonly message: string;
}

/**
 * A schema cannot be used: it is not one the client understands, its JSON Schema could not be
 * produced, or the server's strict mode would refuse it. Thrown at the call, before anything is
 * sent; `violations` name each problem by its path in the JSON Schema.
 *
 * @example
 * import { z } from 'zod';
 *
 * try {
 *   checkStrictJsonSchema(resolveSchema(z.object({ note: z.string().optional() })).jsonSchema);
 * } catch (error) {
 *   if (error instanceof SchemaError) for (const v of error.violations) console.error(v.path, v.message);
 * }
 */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  constructor(
    readonly violations: readonly SchemaViolation[],
    summary = 'the schema cannot be used',
  ) {
    super(`${summary}: ${violations.slice(0, 5).map((v) => `${v.path}: ${v.message}`).join('; ')}${violations.length > 5 ? ` (+${violations.length - 5} more)` : ''}`);
  }
}
