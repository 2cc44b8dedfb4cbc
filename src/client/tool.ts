import type { Observable } from 'rxjs';
import type { AnyTool } from './any-tool.js';
import type { ToolContext } from './tool-context.js';
import type { ToolOutput } from './tool-output.js';
import { resolveToolInput, type InferToolInput, type JsonSchemaObject, type ToolInputSchema } from './tool-schema.js';

/**
 * How to define a tool: what the model is told (`name`, `description`, the input schema) and what
 * runs when it calls it.
 *
 * @example
 * const definition: ToolDefinition<{ type: 'object' }> = {
 *   name: 'now',
 *   description: 'The current time, as an ISO string',
 *   input: { type: 'object' },
 *   run: () => new Date().toISOString(),
 *   timeoutMs: 1_000,
 * };
 */
export interface ToolDefinition<S extends ToolInputSchema> {
  /** The function name the model calls (letters, digits, `_` and `-`). */
  readonly name: string;
  readonly description: string;
  /** A Standard Schema validator (zod 4, valibot, arktype …), or a plain JSON Schema of an object. */
  readonly input: S;
  /** The JSON Schema offered to the model, when the validator has no Standard JSON Schema of its own (an io-ts codec, valibot without its converter). */
  readonly inputSchema?: JsonSchemaObject;
  /**
   * Answers a call with validated arguments: a value, a Promise, or an Observable whose last value
   * is the answer (an Observable is unsubscribed when the call is cancelled).
   */
  readonly run: (args: InferToolInput<S>, ctx: ToolContext) => ToolOutput | PromiseLike<ToolOutput> | Observable<ToolOutput>;
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
 * @example
 * const weather = tool({
 *   name: 'weather',
 *   description: 'The weather in a city',
 *   input: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
 *   run: async ({ city }, { signal }) => {
 *     const response = await fetch(`https://wttr.in/${encodeURIComponent(String(city))}?format=3`, { signal });
 *     return response.text();
 *   },
 * });
 * const thread = await codex.threadStart({ tools: [weather] });
 * await thread.run('Do I need an umbrella in Paris?');
 */
export function tool<S extends ToolInputSchema>(definition: ToolDefinition<S>): Tool<InferToolInput<S>> {
  const { name, description, concurrency = Infinity, timeoutMs } = definition;
  if (!TOOL_NAME.test(name)) throw new TypeError(`tool name ${JSON.stringify(name)}: use 1 to 64 letters, digits, "_" or "-"`);
  if (!(concurrency >= 1)) throw new RangeError(`tool ${name}: concurrency must be at least 1`);
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new RangeError(`tool ${name}: timeoutMs must be positive`);
  const resolved = resolveToolInput(name, definition.input, definition.inputSchema);
  return {
    type: 'function',
    name,
    description,
    inputSchema: resolved.jsonSchema,
    concurrency,
    timeoutMs,
    validate: resolved.validate,
    run: definition.run,
  };
}
