import type { ObservableInput } from 'rxjs';
import type { ServerRequestMap } from '../protocol/generated/methods.js';
import type { RequestId } from '../transport/json-rpc-message.js';

/** A method the server may call on the client (approvals, user input, tool calls, …). */
export type ServerRequestMethod = keyof ServerRequestMap;

/** What a server request method owes the server as its result. */
export type ServerRequestResult<M extends ServerRequestMethod> = ServerRequestMap[M]['result'];

/** An answer given now, later (Promise), or as the first value of an Observable. */
export type Answer<T> = T | PromiseLike<T> | ObservableInput<T>;

/**
 * A request from the server waiting for the client's answer, as seen on `serverRequests$`.
 *
 * Call `respond` or `reject` synchronously when it is emitted (pass a Promise or Observable to
 * answer later, for instance after a dialog). A request that no subscriber claims gets the
 * default answer for its method at once, so the server is never left waiting.
 */
export type IncomingServerRequest = {
  [M in ServerRequestMethod]: IncomingServerRequestOf<M>;
}[ServerRequestMethod];

/** The incoming server request of one method. */
export interface IncomingServerRequestOf<M extends ServerRequestMethod> {
  readonly id: RequestId;
  readonly method: M;
  readonly params: ServerRequestMap[M]['params'];
  /** Whether someone has already answered (or claimed) this request. */
  readonly answered: boolean;
  /** Answers with a result of the method's response shape. */
  respond(answer: Answer<ServerRequestResult<M>>): void;
  /** Answers with a JSON-RPC error. */
  reject(message: string, code?: number): void;
}

/**
 * Answers server requests of one method: return the result (or a Promise / Observable of it).
 * Throwing (or rejecting) answers the server with an internal error carrying the message.
 */
export type ServerRequestHandler<M extends ServerRequestMethod> = (
  params: ServerRequestMap[M]['params'],
  request: { readonly id: RequestId; readonly method: M },
) => Answer<ServerRequestResult<M>>;

/** Handlers by method, as given in configuration. */
export type ServerRequestHandlers = { readonly [M in ServerRequestMethod]?: ServerRequestHandler<M> };
