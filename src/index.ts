// codex-rx: the public API. This file only re-exports; plumbing is in ./advanced.ts.

/**
 * An RxJS client for the Codex app-server: `Codex` connects, a `Thread` holds a conversation,
 * and a turn is an Observable of typed events (`TurnHandle.events$`) that reduces to a
 * `TurnResult`. Operators, transports, typed errors and the generated protocol come with it.
 *
 * @example
 * await using codex = await Codex.connect();
 * const thread = await codex.threadStart();
 * const result = await thread.run('Say hello');
 * console.log(result.finalResponse);
 *
 * @module codex-rx
 */

export * from './client/portable-api.js';

// Node only: processes, sockets, files and streams
export { nodeTransport } from './client/node-transport.js';
export { toReadable, DEFAULT_TO_READABLE_OPTIONS, type ToReadableOptions } from './operators/to-readable.js';
export { StdioTransport, type StdioTransportOptions } from './transport/stdio-transport.js';
export {
  WebSocketTransport,
  type WebSocketFactory,
  type WebSocketToken,
  type WebSocketTransportOptions,
} from './transport/websocket-transport.js';
export { UnixSocketTransport, type UnixSocketTransportOptions } from './transport/unix-socket-transport.js';
export { resolveCodexBinary, type CodexBinaryOptions } from './transport/codex-binary.js';
export { CodexBinaryNotFoundError, type CodexBinaryAttempt } from './errors/codex-binary-not-found-error.js';
