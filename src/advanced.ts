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

export * from './client/portable-plumbing.js';

// Reconnecting
export { isSafeToResend } from './connection/is-safe-to-resend.js';
export { TurnReconciler, type ReconciledTurn } from './turns/turn-reconciler.js';
export {
  ReconnectingTransport,
  type ReconnectHandshake,
  type ReconnectingTransportOptions,
} from './transport/reconnecting-transport.js';

// Node only
export { JsonlDecoder, type JsonlDecoderSink } from './transport/jsonl-decoder.js';
export type { WebSocketTarget } from './transport/websocket-transport.js';
