import type { Codex } from './codex.js';

/**
 * What a tool's `run` gets beside its arguments: the call's ids, the client, and a signal that
 * aborts when the call no longer needs an answer (see `tool`).
 *
 * @example
 * const slow = tool({
 *   name: 'wait',
 *   description: 'Waits a moment',
 *   input: { type: 'object', properties: {} },
 *   run: async (_args, ctx: ToolContext) => {
 *     await new Promise((resolve) => setTimeout(resolve, 1_000));
 *     return ctx.signal.aborted ? 'cancelled' : `waited in turn ${ctx.turnId}`;
 *   },
 * });
 */
export interface ToolContext {
  /**
   * Aborts when the answer is no longer wanted: the turn ended (interrupted or not), the call's
   * item completed without this client's answer, the server withdrew the request, the per-tool
   * timeout passed, or the connection closed. A reconnection does not abort it: the server asks
   * again after the resume, and the running call answers that request.
   */
  readonly signal: AbortSignal;
  readonly threadId: string;
  readonly turnId: string;
  /** The call's id, which is also the id of its `dynamicToolCall` item. */
  readonly callId: string;
  /** The client the call came through. */
  readonly codex: Codex;
}
