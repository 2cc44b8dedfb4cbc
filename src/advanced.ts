// codex-rx/advanced: the plumbing under `Codex`, for building other clients, transports and
// tools on the same pieces. This file only re-exports.

/**
 * The parts `Codex` is built from: the JSON-RPC connection, the turn router, the JSONL decoder,
 * the generated codec maps and the defaults of every config. Most programs need only `codex-rx`;
 * these are for a client of your own over a transport of your own.
 *
 * @example
 * import { RpcConnection, TurnRouter } from 'codex-rx/advanced';
 * import { StdioTransport } from 'codex-rx';
 *
 * const connection = new RpcConnection(new StdioTransport());
 * await connection.initialize({ clientInfo: { name: 'my-tool', version: '1.0.0' } });
 * const router = new TurnRouter(connection.notifications$);
 *
 * @module codex-rx/advanced
 */

// Connection
export { RpcConnection, type ConnectionState } from './connection/rpc-connection.js';
export { DEFAULT_RPC_CONNECTION_CONFIG } from './connection/rpc-connection-config.js';
export { isSafeToResend } from './connection/is-safe-to-resend.js';

// Turns
export { TurnRouter } from './turns/turn-router.js';
export { DEFAULT_TURN_ROUTER_CONFIG } from './turns/turn-router-config.js';
export type { TurnStreamMode } from './turns/turn-stream-mode.js';
export { turnIdOf } from './turns/turn-event.js';
export { TurnReconciler, type ReconciledTurn } from './turns/turn-reconciler.js';

// Operators
export { overloadDelayMs, DEFAULT_RETRY_ON_OVERLOAD_CONFIG } from './operators/retry-on-overload.js';

// Transports
export { JsonlDecoder, type JsonlDecoderSink } from './transport/jsonl-decoder.js';
export { decodeFrame } from './transport/decode-frame.js';
export type { WebSocketTarget } from './transport/websocket-transport.js';
export {
  ReconnectingTransport,
  type ReconnectHandshake,
  type ReconnectingTransportOptions,
} from './transport/reconnecting-transport.js';

// JSON-RPC
export { jsonRpcErrorFrom } from './jsonrpc/json-rpc-error.js';

// Protocol: the codec of every method, and how a failed check reads
export {
  clientNotificationCodecs,
  clientRequestCodecs,
  serverNotificationCodecs,
  serverRequestCodecs,
} from './protocol/generated/methods.js';
export type { ParamsArgument } from './protocol/client-request.js';
export { validationReport } from './protocol/validation-report.js';
