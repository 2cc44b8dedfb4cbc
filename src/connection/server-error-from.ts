import { ThreadWriterConflictError } from '../errors/thread-writer-conflict-error.js';
import { jsonRpcErrorFrom, type JsonRpcError } from '../jsonrpc/json-rpc-error.js';
import type { JsonRpcErrorObject } from '../jsonrpc/json-rpc-message.js';

// The server tells this refusal apart only by its message; the code is the generic -32600.
const ACTIVE_WRITER = /\bthread (\S+) already has an active writer\b/;

/**
 * The typed error for an app-server's error answer: `jsonRpcErrorFrom`, refined where the
 * server's message names a condition the caller can act on (another process holds the thread:
 * `ThreadWriterConflictError`).
 *
 * @example
 * const error = serverErrorFrom({ code: -32600, message: 'thread t-1 already has an active writer' }, 'thread/resume');
 * error instanceof ThreadWriterConflictError; // true, with error.threadId === 't-1'
 */
export function serverErrorFrom(error: JsonRpcErrorObject, method: string): JsonRpcError {
  if (error.code === -32600) {
    const writer = ACTIVE_WRITER.exec(error.message);
    if (writer !== null) return new ThreadWriterConflictError(writer[1]!, error.message, error.data, method);
  }
  return jsonRpcErrorFrom(error, method);
}
