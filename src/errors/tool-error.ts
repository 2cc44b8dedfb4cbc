/**
 * An error a tool throws to tell the model what went wrong, in words the model may read. Any other
 * error a tool throws reaches the model only as "the tool failed", without its message or stack,
 * since those can carry paths, queries or secrets; the full error is reported on
 * `codex.diagnostics$` (kind `tool-failed`).
 *
 * @example
 * import { z } from 'zod';
 *
 * const tickets = new Map<string, { title: string }>([['T-1', { title: 'Login fails' }]]);
 * const lookup = tool({
 *   name: 'ticket',
 *   description: 'Reads a ticket by id',
 *   input: z.object({ id: z.string() }),
 *   run: ({ id }) => {
 *     const ticket = tickets.get(id);
 *     if (ticket === undefined) throw new ToolError(`There is no ticket ${id}; ids look like T-123.`);
 *     return ticket;
 *   },
 * });
 */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}
