import type { AnyTool } from './any-tool.js';

/**
 * Tools grouped under one name (`type: "namespace"` of the protocol): the model sees them as
 * `NAMESPACE` tools and the calls name the namespace. Pass it in `tools` like a tool.
 *
 * @example
 * import { z } from 'zod';
 *
 * const tickets = toolNamespace({
 *   name: 'tickets',
 *   description: 'The issue tracker',
 *   tools: [tool({ name: 'lookup', description: 'Reads a ticket', input: z.object({ id: z.string() }), run: ({ id }) => `ticket ${id}` })],
 * });
 * const thread = await codex.threadStart({ tools: [tickets] });
 */
export interface ToolNamespace {
  readonly type: 'namespace';
  readonly name: string;
  readonly description: string;
  readonly tools: readonly AnyTool[];
}

/**
 * Groups tools under a namespace.
 *
 * @example
 * const files = toolNamespace({ name: 'files', description: 'The project files', tools: [] });
 */
export function toolNamespace(definition: Omit<ToolNamespace, 'type'>): ToolNamespace {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(definition.name)) throw new TypeError(`tool namespace ${JSON.stringify(definition.name)}: use 1 to 64 letters, digits, "_" or "-"`);
  return { type: 'namespace', ...definition };
}
