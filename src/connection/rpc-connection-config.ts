import type { ServerRequestHandlers } from './server-request.js';

/**
 * Options of an `RpcConnection`. Defaults are in `DEFAULT_RPC_CONNECTION_CONFIG`.
 *
 * @example
 * const codex = new Codex({
 *   requestTimeoutMs: 30_000,
 *   strictDecoding: true,
 *   serverRequestHandlers: { 'item/fileChange/requestApproval': () => ({ decision: 'decline' }) },
 * });
 */
export interface RpcConnectionConfig {
  /** How long a request may wait for its answer, in ms; 0 waits forever. Turn streams are notifications and have no timeout. */
  readonly requestTimeoutMs?: number;
  /** Check params with the method's codec before sending. */
  readonly validateParams?: boolean;
  /** Decode results with the method's codec (failures are reported on `diagnostics$`). */
  readonly validateResults?: boolean;
  /** Decode notifications and server requests with their codecs (failures are reported on `diagnostics$`). */
  readonly validateNotifications?: boolean;
  /**
   * Turn decode failures into errors: a result that fails its codec rejects the request, and a
   * notification that fails carries a `decodeError` that fails the turn it belongs to.
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
  validateParams: true,
  validateResults: true,
  validateNotifications: true,
  strictDecoding: false,
} as const satisfies Required<Omit<RpcConnectionConfig, 'serverRequestHandlers'>>;
