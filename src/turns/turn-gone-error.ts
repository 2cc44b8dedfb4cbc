/**
 * A turn asked for by id that the client no longer holds: it completed before anyone claimed its
 * events (they were not kept), or it was dropped unclaimed (see `TurnRouterConfig`).
 *
 * @example
 * try {
 *   await (await codex.thread(threadId)).run('Go on');
 * } catch (error) {
 *   if (error instanceof TurnGoneError) console.error(`turn ${error.turnId} ${error.reason}`);
 * }
 */
export class TurnGoneError extends Error {
  override readonly name = 'TurnGoneError';

  constructor(
    /** The turn asked for. */
    readonly turnId: string,
    /** `completed`: it ended before being claimed; `dropped`: the router's bounds dropped it unclaimed. */
    readonly reason: 'completed' | 'dropped',
  ) {
    super(`turn ${turnId} ${reason === 'completed' ? 'has already completed and its events were not kept' : 'was dropped unclaimed'}`);
  }
}
