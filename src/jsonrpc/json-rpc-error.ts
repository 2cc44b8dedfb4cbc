import type { JsonRpcErrorObject } from './json-rpc-message.js';

/**
 * An error answer to a JSON-RPC request. Subclasses name the standard codes so callers can
 * `instanceof` rather than compare numbers; `jsonRpcErrorFrom` picks the class for a code.
 * They live in one file because they are one family, chosen by one table.
 *
 * @example
 * try {
 *   await codex.threadResume('no-such-thread');
 * } catch (error) {
 *   if (error instanceof JsonRpcError) console.error(error.code, error.method, error.data);
 * }
 */
export class JsonRpcError extends Error {
  override readonly name: string = 'JsonRpcError';
  constructor(
    readonly code: number,
    message: string,
    /** The `data` member of the error, when the server sent one. */
    readonly data?: unknown,
    /** The method of the request this answers, when known. */
    readonly method?: string,
  ) {
    super(method === undefined ? `${message} (code ${code})` : `${method}: ${message} (code ${code})`);
  }
}

/**
 * -32700: the server could not parse what it received.
 *
 * @example
 * jsonRpcErrorFrom({ code: -32700, message: 'Parse error' }) instanceof ParseError; // true
 */
export class ParseError extends JsonRpcError { override readonly name = 'ParseError'; }
/**
 * -32600: the request was not valid (for example a turn id that is not the active turn).
 *
 * @example
 * const error = await codex.threadResume('no-such-thread').catch((e: unknown) => e);
 * error instanceof InvalidRequestError; // true
 */
export class InvalidRequestError extends JsonRpcError { override readonly name: string = 'InvalidRequestError'; }
/**
 * -32601: the server does not know the method; the runtime may be older or newer than the protocol in use.
 *
 * @example
 * const error = await codex.request('thread/list', {}).catch((e: unknown) => e);
 * if (error instanceof MethodNotFoundError) console.error('this server predates the protocol in use');
 */
export class MethodNotFoundError extends JsonRpcError { override readonly name = 'MethodNotFoundError'; }
/**
 * -32602: the params do not fit the method. Also raised before sending, when the generated codec rejects them.
 *
 * @example
 * const error = await thread.run('').catch((e: unknown) => e);
 * error instanceof InvalidParamsError; // true, and nothing was sent
 */
export class InvalidParamsError extends JsonRpcError { override readonly name = 'InvalidParamsError'; }
/**
 * -32603: the server failed while handling the request.
 *
 * @example
 * const error = await codex.threadList().catch((e: unknown) => e);
 * if (error instanceof InternalRpcError) console.error('the server failed:', error.message);
 */
export class InternalRpcError extends JsonRpcError { override readonly name = 'InternalRpcError'; }
/**
 * -32001: the server's request queue is full; retrying later is the right answer (see `retryOnOverload`).
 *
 * @example
 * import { lastValueFrom } from 'rxjs';
 *
 * // retryOnOverload resends on ServerBusyError, with backoff; other errors pass through.
 * const threads = await lastValueFrom(codex.request$('thread/list', {}).pipe(retryOnOverload()));
 */
export class ServerBusyError extends JsonRpcError { override readonly name = 'ServerBusyError'; }

const ERROR_CLASSES = new Map<number, typeof JsonRpcError>([
  [-32700, ParseError],
  [-32600, InvalidRequestError],
  [-32601, MethodNotFoundError],
  [-32602, InvalidParamsError],
  [-32603, InternalRpcError],
  [-32001, ServerBusyError],
]);

/**
 * The typed error for a JSON-RPC error object.
 *
 * @example
 * const error = jsonRpcErrorFrom({ code: -32001, message: 'Server overloaded; retry later.' }, 'thread/start');
 * error instanceof ServerBusyError; // true
 */
export function jsonRpcErrorFrom(error: JsonRpcErrorObject, method?: string): JsonRpcError {
  const ErrorClass = ERROR_CLASSES.get(error.code) ?? JsonRpcError;
  return new ErrorClass(error.code, error.message, error.data, method);
}
