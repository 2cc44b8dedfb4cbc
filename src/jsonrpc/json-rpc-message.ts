/**
 * A JSON-RPC request id as the app-server uses it: a string or an integer.
 *
 * @example
 * const pending = new Map<RequestId, string>([[1, 'thread/start']]);
 */
export type RequestId = string | number;

/**
 * A request that expects a response (client→server, or server→client such as approvals).
 *
 * @example
 * const request: JsonRpcRequest = { id: 1, method: 'thread/list', params: { limit: 10 } };
 * transport.send(request);
 */
export interface JsonRpcRequest {
  readonly id: RequestId;
  readonly method: string;
  readonly params?: unknown;
}

/**
 * A one-way message: server notifications, or the client's `initialized`.
 *
 * @example
 * const initialized: JsonRpcNotification = { method: 'initialized' };
 * transport.send(initialized);
 */
export interface JsonRpcNotification {
  readonly method: string;
  readonly params?: unknown;
}

/**
 * A successful response.
 *
 * @example
 * const answer: JsonRpcSuccess = { id: 1, result: { data: [], nextCursor: null } };
 */
export interface JsonRpcSuccess {
  readonly id: RequestId;
  readonly result: unknown;
}

/**
 * The `error` member of a failed response.
 *
 * @example
 * const busy: JsonRpcErrorObject = { code: -32001, message: 'Server overloaded; retry later.' };
 * jsonRpcErrorFrom(busy) instanceof ServerBusyError; // true
 */
export interface JsonRpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/**
 * A failed response. `id` is null when the server could not read the request's id.
 *
 * @example
 * const failure: JsonRpcFailure = { id: 1, error: { code: -32601, message: 'unknown method' } };
 */
export interface JsonRpcFailure {
  readonly id: RequestId | null;
  readonly error: JsonRpcErrorObject;
}

/**
 * Any message on the wire. The app-server omits the `"jsonrpc": "2.0"` member, and so do we;
 * the member is tolerated on input.
 *
 * @example
 * transport.frames$.subscribe((message: JsonRpcMessage) => {
 *   if ('method' in message) console.log('from the server:', message.method);
 * });
 */
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcSuccess | JsonRpcFailure;
