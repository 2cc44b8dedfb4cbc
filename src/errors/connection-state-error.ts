/** A call that the connection cannot take in its current state (not yet initialized, or closed). */
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
