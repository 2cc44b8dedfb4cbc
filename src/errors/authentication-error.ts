/**
 * The server refused the credentials (a WebSocket upgrade answered 401 or 403). The token is
 * never part of the message.
 *
 * @example
 * try {
 *   await WebSocketTransport.connect('ws://127.0.0.1:4500', { token: 'stale-token' });
 * } catch (error) {
 *   if (error instanceof AuthenticationError) console.error(`refused with HTTP ${error.status}`);
 * }
 */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
  constructor(
    message: string,
    /** The HTTP status of the refused upgrade. */
    readonly status: number,
  ) {
    super(message);
  }
}
