import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ToolSet } from '../../client/tool-set.js';
import { UsageError } from '../shared/usage-error.js';

/**
 * The tools a module exports, for `codex-rx worker --tools FILE`: every export that is a tool
 * (`tool()`) or a tool namespace (`toolNamespace()`), and the members of an exported array of
 * them (a default export `[a, b]` works). A module that exports none is a usage error.
 *
 * @example
 * const tools = await loadToolsModule('./tools.js'); // a module with `export const ticket = tool({ … })`
 */
export async function loadToolsModule(path: string): Promise<ToolSet> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`--tools ${path}: the module could not be loaded (${error instanceof Error ? error.message : String(error)})`);
  }
  const tools = new Map<string, ToolSet[number]>();
  const add = (value: unknown) => {
    if (isTool(value) && !tools.has(value.name)) tools.set(value.name, value);
  };
  for (const value of Object.values(loaded)) {
    if (Array.isArray(value)) value.forEach(add);
    else add(value);
  }
  if (tools.size === 0) throw new UsageError(`--tools ${path}: the module exports no tool (make them with tool() or toolNamespace())`);
  return [...tools.values()];
}

function isTool(value: unknown): value is ToolSet[number] {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  if (entry['type'] === 'namespace') return typeof entry['name'] === 'string' && Array.isArray(entry['tools']);
  return entry['type'] === 'function' && typeof entry['name'] === 'string' && typeof entry['run'] === 'function' && typeof entry['validate'] === 'function';
}
