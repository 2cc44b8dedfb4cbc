// What `codex-rx/advanced` and `codex-rx/browser` both export: the plumbing under `Codex` that
// runs in Node and in browsers alike. This file only re-exports.

// Connection
export { RpcConnection, type ConnectionState } from '../connection/rpc-connection.js';
export { DEFAULT_RPC_CONNECTION_CONFIG } from '../connection/rpc-connection-config.js';

// Turns
export { TurnRouter } from '../turns/turn-router.js';
export { TurnStream } from '../turns/turn-stream.js';
export type { TurnObserver } from '../turns/turn-observer.js';
export { DEFAULT_TURN_ROUTER_CONFIG } from '../turns/turn-router-config.js';
export type { TurnStreamMode } from '../turns/turn-stream-mode.js';
export { turnIdOf } from '../turns/turn-event.js';

// Operators
export { overloadDelayMs, DEFAULT_RETRY_ON_OVERLOAD_CONFIG } from '../operators/retry-on-overload.js';

// Transports
export { decodeFrame } from '../transport/decode-frame.js';

// JSON-RPC
export { jsonRpcErrorFrom } from '../jsonrpc/json-rpc-error.js';

// Protocol: the codec of every method, and how a failed check reads
export {
  clientNotificationCodecs,
  clientRequestCodecs,
  serverNotificationCodecs,
  serverRequestCodecs,
} from '../protocol/generated/methods.js';
export type { ParamsArgument } from '../protocol/client-request.js';
export { validationReport } from '../protocol/validation-report.js';
