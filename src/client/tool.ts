import type { Observable } from 'rxjs';
import { resolveSchema } from '../schema/resolve-schema.js';
import { SchemaError } from '../schema/schema-error.js';
import type { SchemaInput, SchemaOutput } from '../schema/schema-input.js';
import type { AnyTool } from './any-tool.js';
import type { ToolContext } from './tool-context.js';
import type { ToolOutput } from './tool-output.js';

/**
 * How to define a tool: what the model is told (`name`, `description`, the input schema) and what
 * runs when it calls it.
 *
 * @example
 * import { z } from 'zod';
 *
 * const definition: ToolDefinition<z.ZodObject<{ city: z.ZodString }>> = {
 *   name: 'weather',
 *   description: 'The weather in a city',
 *   input: z.object({ city: z.string() }),
 *   run: ({ city }) => `sunny in ${city}`,
 *   timeoutMs: 5_000,
 * };
 */
export interface ToolDefinition<S extends SchemaInput> {
  /** The function name the model calls: 1 to 64 letters, digits, `_` or `-`. */
  readonly name: string;
  readonly description: string;
  /**
   * The arguments: a Standard Schema validator with a JSON Schema of its own (zod ≥ 4.2, arktype),
   * `{ schema, jsonSchema }` (any Standard Schema, or an io-ts codec), or a raw JSON Schema of an
   * object (arguments then typed `unknown`, checked as `resolveSchema` checks one). The server offers it to the model
   * with `strict: false` and never checks the arguments: the client does, before `run`.
   */
  readonly input: S;
  /**
   * Answers a call with validated arguments: a value, a Promise, or an Observable whose last value
   * is the answer (an Observable is unsubscribed when the call is cancelled). See `ToolOutput`.
   */
  readonly run: (args: SchemaOutput<S>, ctx: ToolContext) => ToolOutput | PromiseLike<ToolOutput> | Observable<ToolOutput>;
  /** How many calls of this tool run at once in this client; later ones wait. Default unlimited. */
  readonly concurrency?: number;
  /** How long one call may run, in ms; then its signal aborts and the model is told it timed out. Default none. */
  readonly timeoutMs?: number;
}

/**
 * A tool made by `tool()`: pass it in `threadStart({ tools })`.
 *
 * @example
 * const tools: Tool[] = [tool({ name: 'now', description: 'The time', input: { type: 'object' }, run: () => new Date().toISOString() })];
 * const thread = await codex.threadStart({ tools });
 */
export interface Tool<Args = unknown> extends AnyTool {
  readonly run: (args: Args, ctx: ToolContext) => ToolOutput | PromiseLike<ToolOutput> | Observable<ToolOutput>;
}

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Defines a client-side tool: a function the model may call, run in this process. Register it
 * with `codex.threadStart({ tools })`; the client validates the model's arguments against the
 * schema (the server does not), runs it, and answers the call.
 *
 * - invalid arguments go back to the model as a failure listing the issues, so it can retry;
 * - a thrown `ToolError` tells the model its message; any other error only that the tool failed;
 * - `ctx.signal` aborts when the answer is no longer wanted (an interrupt, the turn's end …).
 *
 * Throws a `SchemaError` when the input is no schema of an object, and a `TypeError` for a name
 * the model could not call.
 *
 * @example
 * import { z } from 'zod';
 *
 * const weather = tool({
 *   name: 'weather',
 *   description: 'The weather in a city',
 *   input: z.object({ city: z.string() }),
 *   run: async ({ city }, { signal }) => {
 *     const response = await fetch(`https://wttr.in/${encodeURIComponent(city)}?format=3`, { signal });
 *     return response.text();
 *   },
 * });
 * const thread = await codex.threadStart({ tools: [weather] });
 * await thread.run('Do I need an umbrella in Paris?');
 */
export function tool<S extends SchemaInput>(definition: ToolDefinition<S>): Tool<SchemaOutput<S>> {
  const { name, description, concurrency = Infinity, timeoutMs } = definition;
  if (typeof name !== 'string' || !TOOL_NAME.test(name)) throw new TypeError(`tool name ${JSON.stringify(name)}: use 1 to 64 letters, digits, "_" or "-"`);
  if (!(concurrency >= 1)) throw new RangeError(`tool ${name}: concurrency must be at least 1`);
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new RangeError(`tool ${name}: timeoutMs must be positive`);
  const resolved = resolveSchema(definition.input);
  const type = resolved.jsonSchema['type'];
  // The model calls a function with an object of arguments.
  if (type !== undefined && type !== 'object') {
    throw new SchemaError([{ path: '$.type', message: `the arguments of tool ${name} must be an object (type "object"), not ${JSON.stringify(type)}` }]);
  }
  return {
    type: 'function',
    name,
    description,
    inputSchema: resolved.jsonSchema,
    concurrency,
    timeoutMs,
    validate: (value) => resolved.validate(value),
    run: definition.run,
  };
}
