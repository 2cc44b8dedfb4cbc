/**
 * A relay attached to an HTTP server: see `createRelay`.
 *
 * @example
 * import { createServer } from 'node:http';
 *
 * const relay = createRelay(createServer());
 * console.log(`open ${relay.loginUrl('http://127.0.0.1:8765')}`);
 * await relay.close();
 */
export interface Relay {
  /** The URL that signs a browser in (once): `base` with `/?token=…`. Show it to the user only. */
  loginUrl(base: string): string;
  /**
   * Replaces the key session cookies are signed with (and its file in `stateDir`): every browser
   * signed in so far is signed out, and its open socket closed (1008).
   */
  rotateSessionKey(): void;
  /** Browsers connected now. */
  readonly connections: number;
  /** Closes every browser socket and its app-server connection, and detaches from the server. */
  close(): Promise<void>;
}
