/**
 * The connection dropped while this request was on the wire, and the client is reconnecting: the
 * request may or may not have reached the server, so it was not sent again. Retryable: calling
 * again once the client is back (`connectionState$` says `ready`) is safe for anything whose
 * effect you can check or repeat. Reads that are safe to resend never fail this way; they are
 * sent again after the reconnection.
 *
 * @example
 * try {
 *   await thread.setName('Release notes');
 * } catch (error) {
 *   if (error instanceof ConnectionLostError) await thread.setName('Release notes');
 * }
 */
export class ConnectionLostError extends Error {
  override readonly name = 'ConnectionLostError';
  /** Always true: the call can be made again once the connection is back. */
  readonly retryable = true;

  constructor(
    /** The method of the request that was lost. */
    readonly method: string,
    /** Why the connection dropped. */
    cause?: unknown,
  ) {
    super(`${method}: the connection dropped before the answer came; the client is reconnecting`, cause === undefined ? undefined : { cause });
  }
}
