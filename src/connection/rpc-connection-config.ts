import type { ServerRequestHandlers } from './server-request.js';

/**
 * Options of an `RpcConnection`. Defaults are in `DEFAULT_RPC_CONNECTION_CONFIG`.
 *
 * @example
 * const codex = new Codex({
 *   requestTimeoutMs: 30_000,
 *   strictDecoding: true,
 *   serverRequestTimeoutMs: 300_000,
 *   serverRequestHandlers: { 'item/fileChange/requestApproval': () => ({ decision: 'decline' }) },
 * });
 */
export interface RpcConnectionConfig {
  /**
   * How long a request may wait for its answer, in ms, counted from when it is sent: the wait for
   * a slot under `maxInFlightRequests` is not counted, since it measures this client's own load
   * (each request ahead of it is bounded by its own timeout; cancel the wait with a signal).
   * 0 waits forever. Turn streams are notifications and have no timeout.
   */
  readonly requestTimeoutMs?: number;
  /**
   * How many requests may be on the wire at once; the others wait, in call order, for a slot.
   * Keeps a burst from filling the server's bounded inbound queue (128 messages), which answers
   * what does not fit with -32001 or not at all. `Infinity` turns the limit off.
   */
  readonly maxInFlightRequests?: number;
  /**
   * How many times a request the server refused for overload (-32001) is sent again, after the
   * `overloadDelayMs` backoff. The server refuses such a request before acting on it, so sending it
   * again is safe for every method. 0 passes the `ServerBusyError` on at once.
   */
  readonly maxOverloadRetries?: number;
  /**
   * How long a server request that a handler or subscriber saw may stay unanswered, in ms; then
   * it gets the fail-safe answer (`failSafeServerRequestAnswer`: decline, cancel, no permissions)
   * and a `server-request-timeout` diagnostic. 0 waits for the answer however long it takes.
   */
  readonly serverRequestTimeoutMs?: number;
  /** Check params with the method's codec before sending. */
  readonly validateParams?: boolean;
  /** Decode results with the method's codec (failures are reported on `diagnostics$`). */
  readonly validateResults?: boolean;
  /** Decode notifications and the params of server requests with their codecs (failures are reported on `diagnostics$`). */
  readonly validateServerMessages?: boolean;
  /** @deprecated The former name of `validateServerMessages`, which wins when both are given. */
  readonly validateNotifications?: boolean;
  /**
   * Turn decode failures into errors: a result that fails its codec rejects the request, a
   * notification that fails carries a `decodeError` that fails the turn it belongs to, and a
   * server request whose params fail is answered with an invalid-params error.
   * Off by default: the raw value is delivered and the failure only reported.
   */
  readonly strictDecoding?: boolean;
  /** Answers for server requests, by method. */
  readonly serverRequestHandlers?: ServerRequestHandlers;
}

/**
 * The defaults of `RpcConnectionConfig`.
 *
 * @example
 * const patient = new Codex({ requestTimeoutMs: DEFAULT_RPC_CONNECTION_CONFIG.requestTimeoutMs * 5 });
 */
export const DEFAULT_RPC_CONNECTION_CONFIG = {
  requestTimeoutMs: 120_000,
  maxInFlightRequests: 64,
  maxOverloadRetries: 8,
  serverRequestTimeoutMs: 0,
  validateParams: true,
  validateResults: true,
  validateServerMessages: true,
  strictDecoding: false,
} as const satisfies Required<Omit<RpcConnectionConfig, 'serverRequestHandlers' | 'validateNotifications'>>;
