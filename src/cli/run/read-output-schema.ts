import { readFileSync } from 'node:fs';
import { checkStrictJsonSchema } from '../../schema/check-strict-json-schema.js';
import type { ResolvedSchema } from '../../schema/resolved-schema.js';
import { resolveSchema } from '../../schema/resolve-schema.js';
import { SchemaError } from '../../schema/schema-error.js';
import { UsageError } from '../shared/usage-error.js';

/**
 * The JSON Schema file of `codex-rx run --output-schema FILE`, read and checked against the
 * server's strict mode before anything starts: an unreadable file, text that is not JSON, or a
 * schema strict mode would refuse is a `UsageError` naming the problems by their path.
 *
 * @example
 * const schema = readOutputSchema('review.schema.json');
 * schema.jsonSchema; // sent as turn/start.outputSchema
 */
export function readOutputSchema(path: string): ResolvedSchema<unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--output-schema ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch {
    throw new UsageError(`--output-schema ${path} is not JSON`);
  }
  try {
    const resolved = resolveSchema(schema as never);
    checkStrictJsonSchema(resolved.jsonSchema);
    return resolved;
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    const lines = error.violations.map((violation) => `  ${violation.path}: ${violation.message}`).join('\n');
    throw new UsageError(`--output-schema ${path}: the server's strict mode would refuse this schema:\n${lines}`);
  }
}
