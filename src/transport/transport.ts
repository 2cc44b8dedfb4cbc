import type { Observable } from 'rxjs';
import type { JsonRpcMessage } from '../jsonrpc/json-rpc-message.js';
import type { TransportDiagnostic } from './transport-diagnostic.js';

/**
 * A bidirectional channel of JSON-RPC messages to one app-server.
 *
 * `frames$` is hot and shared: it is read once, whoever subscribes. Messages that arrive before
 * the first subscriber are held for it, so a connection that subscribes after construction
 * loses nothing. It completes after `close()`, and errors with a `TransportClosedError` when the
 * peer goes away on its own (process exit, socket close).
 *
 * @example
 * // Any Transport can carry a Codex client, for instance a launched server with its own cwd.
 * const codex = new Codex({ transport: () => new StdioTransport({ cwd: '/srv/project' }) });
 */
export interface Transport {
  /** Every message the server sends, parsed, in arrival order. */
  readonly frames$: Observable<JsonRpcMessage>;
  /** Input that could not be read as a message (a non-JSON line, a JSON value that is not an object). */
  readonly diagnostics$: Observable<TransportDiagnostic>;
  /**
   * Each drop of a transport that reconnects on its own (`ReconnectingTransport`), as it happens:
   * what was on the wire got no answer and will get none. Absent on transports that end instead.
   */
  readonly connectionLost$?: Observable<Error>;
  /** Writes one message. Throws `TransportClosedError` once the transport is closed. */
  send(message: JsonRpcMessage): void;
  /** Closes the channel and releases what it holds (a child process is reaped). Idempotent. */
  close(): Promise<void>;
}
