import type { RequestId } from '../jsonrpc/json-rpc-message.js';

/**
 * Follows one request of a `RpcConnection` from the call to its end: telemetry's view of the
 * admission queue, the wire and overload retries. Each method is called at most once, except
 * `sent` (once per write: a retry is a new message) and `retried`.
 *
 * @example
 * const probe: RequestProbe = {
 *   sent: (id) => console.log('on the wire as', id),
 *   retried: () => console.log('refused for overload; sent again later'),
 *   settled: (error) => console.log(error === undefined ? 'answered' : 'failed'),
 * };
 */
export interface RequestProbe {
  /** Written to the transport under `id` (the first write ends the wait for a slot). */
  sent(id: RequestId): void;
  /** The server refused it for overload (-32001); it is sent again after a backoff. */
  retried(): void;
  /** Answered (`error` undefined) or failed; `result` is the raw answer. */
  settled(error: unknown, result?: unknown): void;
}

/**
 * Watches the requests of a `RpcConnection` (`connection.observeRequests`): asked once per call,
 * before anything is sent, it returns the probe that follows that request, or undefined to skip it.
 * Must not throw; it runs on every request.
 *
 * @example
 * let inFlight = 0;
 * connection.observeRequests({
 *   request: () => ({ sent: () => (inFlight += 1), retried: () => undefined, settled: () => (inFlight -= 1) }),
 * });
 */
export interface RequestObserver {
  request(method: string, params: unknown): RequestProbe | undefined;
  /** The server asked the client something (an approval, a tool call …), before anyone answers. */
  serverRequest?(id: RequestId, method: string, params: unknown): void;
  /** The client wrote its answer to the server request `id` (whoever gave it: handler, UI, default, timeout). */
  answered?(id: RequestId): void;
}
