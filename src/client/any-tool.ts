import type { JsonSchemaObject } from '../schema/json-schema-object.js';
import type { SchemaValidation } from '../schema/schema-validation.js';

/**
 * A tool of any argument type, as a tool set holds it: what `tool()` makes, without the types of
 * its arguments and context.
 *
 * @example
 * const tools: AnyTool[] = [tool({ name: 'now', description: 'The time', input: { type: 'object' }, run: () => new Date().toISOString() })];
 */
export interface AnyTool {
  readonly type: 'function';
  readonly name: string;
  readonly description: string;
  /** The JSON Schema of its arguments, as offered to the model. */
  readonly inputSchema: JsonSchemaObject;
  /** How many of its calls run at once in this client. */
  readonly concurrency: number;
  /** How long one call may run, in ms. */
  readonly timeoutMs: number | undefined;
  /** Checks the model's arguments (never throws). */
  readonly validate: (value: unknown) => Promise<SchemaValidation<unknown>>;
  readonly run: (args: never, ctx: never) => unknown;
}
