import { JsonRpcError, ServerBusyError } from '../jsonrpc/json-rpc-error.js';
import { TurnFailedError } from '../turns/turn-failed-error.js';

/**
 * Whether an error is a transient overload worth retrying: a `ServerBusyError` (JSON-RPC -32001,
 * which the server sends with no `data`), or any JSON-RPC error whose `data` mentions
 * `server_overloaded` (or `serverOverloaded`, the protocol's `CodexErrorInfo` spelling), or a
 * `TurnFailedError` of a turn the model could not run for load (`codexErrorInfo:
 * "serverOverloaded"`; retrying `thread.run$` starts a fresh turn). Everything else (bad params,
 * unknown method, a closed transport, a turn that failed for another reason) is not.
 *
 * @example
 * async function runWithOneRetry(prompt: string): Promise<TurnResult> {
 *   try {
 *     return await thread.run(prompt);
 *   } catch (error) {
 *     if (isRetryableError(error)) return await thread.run(prompt);
 *     throw error;
 *   }
 * }
 */
export function isRetryableError(error: unknown): boolean {
  if (error instanceof ServerBusyError) return true;
  if (error instanceof TurnFailedError) return error.result.error?.codexErrorInfo === 'serverOverloaded';
  if (!(error instanceof JsonRpcError) || error.data === undefined) return false;
  return mentionsOverload(error.data, 0);
}

const OVERLOAD_MARKERS = ['server_overloaded', 'serverOverloaded'];

function mentionsOverload(data: unknown, depth: number): boolean {
  if (depth > 8) return false;
  if (typeof data === 'string') return OVERLOAD_MARKERS.some((marker) => data.includes(marker));
  if (Array.isArray(data)) return data.some((value) => mentionsOverload(value, depth + 1));
  if (data !== null && typeof data === 'object') {
    return Object.entries(data).some(([key, value]) => OVERLOAD_MARKERS.includes(key) || mentionsOverload(value, depth + 1));
  }
  return false;
}
