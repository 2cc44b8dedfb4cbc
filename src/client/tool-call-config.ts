/**
 * How a client answers the server's `item/tool/call` requests. Defaults are in `DEFAULT_TOOL_CALL_CONFIG`.
 *
 * @example
 * // A client that watches threads whose tools another client runs, and must never answer for them:
 * const watcher = new Codex({ toolCallGraceMs: Infinity });
 */
export interface ToolCallConfig {
  /**
   * How long a call for a tool this client has no handler for waits before this client answers
   * it, in ms, with a failure saying so ("no handler for tool X in this client"). The server sends
   * every call to every client attached to the thread and takes the first answer, so a client
   * without the handler must not answer at once: that would beat the client that has it. Nor may
   * it never answer: with no client holding the handler, the turn would wait for ever. Set it
   * above the longest run of the tools other clients answer; `Infinity` never answers.
   */
  readonly toolCallGraceMs?: number;
}

/**
 * The defaults of `ToolCallConfig`: 30 seconds of grace.
 *
 * @example
 * const patient = new Codex({ toolCallGraceMs: 4 * DEFAULT_TOOL_CALL_CONFIG.toolCallGraceMs });
 */
export const DEFAULT_TOOL_CALL_CONFIG = {
  toolCallGraceMs: 30_000,
} as const satisfies Required<ToolCallConfig>;
