import type { DynamicToolSpec } from '../protocol/generated/codecs.js';
import type { AnyTool } from './any-tool.js';
import type { ToolNamespace } from './tool-namespace.js';

/**
 * The tools a thread gets: tools and namespaces of tools (`threadStart({ tools })`).
 *
 * @example
 * const tools: ToolSet = [tool({ name: 'now', description: 'The time', input: { type: 'object' }, run: () => new Date().toISOString() })];
 * const thread = await codex.threadStart({ tools });
 */
export type ToolSet = readonly (AnyTool | ToolNamespace)[];

/** The `dynamicTools` of `thread/start` for a tool set. */
export function dynamicToolSpecs(tools: ToolSet): DynamicToolSpec[] {
  const spec = (t: AnyTool) => ({ type: 'function' as const, name: t.name, description: t.description, inputSchema: t.inputSchema as unknown });
  return tools.map((entry) =>
    entry.type === 'namespace' ? { type: 'namespace', name: entry.name, description: entry.description, tools: entry.tools.map(spec) } : spec(entry),
  );
}

/** The tools of a set by `toolKey`; throws on a name given twice, which the model could not tell apart. */
export function toolsByKey(tools: ToolSet): Map<string, AnyTool> {
  const byKey = new Map<string, AnyTool>();
  const add = (namespace: string | null, t: AnyTool) => {
    const key = toolKey(namespace, t.name);
    if (byKey.has(key)) throw new TypeError(`tool ${namespace === null ? '' : `${namespace}/`}${t.name} is given twice`);
    byKey.set(key, t);
  };
  for (const entry of tools) {
    if (entry.type === 'namespace') for (const t of entry.tools) add(entry.name, t);
    else add(null, entry);
  }
  return byKey;
}

/** How a tool is found from a call: its namespace (or none) and its name. */
export function toolKey(namespace: string | null | undefined, name: string): string {
  return namespace === null || namespace === undefined ? name : `${namespace}\u0000${name}`;
}
