/** A JSON-RPC request id as the app-server uses it: a string or an integer. */
export type RequestId = string | number;

/** A request that expects a response (client→server, or server→client such as approvals). */
export interface JsonRpcRequest {
  readonly id: RequestId;
  readonly method: string;
  readonly params?: unknown;
}

/** A one-way message: server notifications, or the client's `initialized`. */
export interface JsonRpcNotification {
  readonly method: string;
  readonly params?: unknown;
}

/** A successful response. */
export interface JsonRpcSuccess {
  readonly id: RequestId;
  readonly result: unknown;
}

/** The `error` member of a failed response. */
export interface JsonRpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** A failed response. `id` is null when the server could not read the request's id. */
export interface JsonRpcFailure {
  readonly id: RequestId | null;
  readonly error: JsonRpcErrorObject;
}

/**
 * Any message on the wire. The app-server omits the `"jsonrpc": "2.0"` member, and so do we;
 * the member is tolerated on input.
 */
export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcSuccess | JsonRpcFailure;
