/**
 * What a `Thread` tells telemetry about one turn it starts: made when the turn is asked for (in
 * the caller's context, so that the turn's span is a child of the caller's), told its id once the
 * server accepted it. The turn's events reach telemetry from the connection, not through this.
 *
 * @example
 * declare const telemetry: ClientTelemetry;
 * const params = { threadId, input: [{ type: 'text' as const, text: 'hi', text_elements: [] }] };
 * const trace = telemetry.turnRequested(threadId, params);
 * trace.sending();
 * try {
 *   const { turn } = await connection.request('turn/start', params);
 *   trace.started(turn.id);
 * } catch (error) {
 *   trace.failedToStart(error);
 * }
 */
export interface TurnTelemetry {
  /** `turn/start` is being sent (the thread's earlier turns have ended): its events may come before the answer. */
  sending(): void;
  /** The server accepted the turn under `turnId`. */
  started(turnId: string): void;
  /** `turn/start` failed, or the caller left before it was sent. */
  failedToStart(error: unknown): void;
  /** The stall watch looked at the turn (see `CodexConfig.turnStallTimeoutMs`) and found `outcome`. */
  stallChecked(outcome: StallCheckOutcome): void;
  /** The stall policy ended the turn for this client (the server may never report its end). */
  stallEnded(): void;
}

/**
 * What a stall check found: local work running (a command, a tool), the thread waiting for a
 * person, the turn ended in the stored state, or still running (then interrupted).
 *
 * @example
 * const outcome: StallCheckOutcome = 'waiting-for-person';
 */
export type StallCheckOutcome = 'local-work' | 'waiting-for-person' | 'stored-end' | 'stalled';

/**
 * The telemetry of a client as its threads see it. A `Codex` with telemetry configured gives one
 * to each thread through its `TurnRuntime`.
 *
 * @example
 * declare const telemetry: ClientTelemetry | undefined;
 * const trace = telemetry?.turnRequested(threadId, { model: 'gpt-5.4' });
 */
export interface ClientTelemetry {
  /** A turn is asked for: its span starts now, under the active span (or the explicit parent). */
  turnRequested(threadId: string, params: { readonly model?: string | null | undefined; readonly input?: unknown }): TurnTelemetry;
}
