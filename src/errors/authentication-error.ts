/**
 * The server refused the credentials (a WebSocket upgrade answered 401 or 403). The token is
 * never part of the message.
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
