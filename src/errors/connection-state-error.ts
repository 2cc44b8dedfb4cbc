/**
 * A call that the connection cannot take in its current state (not yet initialized, or closed).
 *
 * @example
 * await codex.close();
 * const error = await codex.threadList().catch((e: unknown) => e);
 * error instanceof ConnectionStateError; // true, with state 'closed'
 */
export class ConnectionStateError extends Error {
  override readonly name = 'ConnectionStateError';
  constructor(
    message: string,
    /** The state the connection was in. */
    readonly state: string,
  ) {
    super(message);
  }
}
