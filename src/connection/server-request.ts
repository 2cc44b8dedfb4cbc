import type { ObservableInput } from 'rxjs';
import type { ServerRequestMap } from '../protocol/generated/methods.js';
import type { RequestId } from '../jsonrpc/json-rpc-message.js';

/**
 * A method the server may call on the client (approvals, user input, tool calls, …).
 *
 * @example
 * const method: ServerRequestMethod = 'item/tool/requestUserInput';
 * await codex.setServerRequestHandler(method, () => ({ answers: {} }));
 */
export type ServerRequestMethod = keyof ServerRequestMap;

/**
 * What a server request method owes the server as its result.
 *
 * @example
 * const accept: ServerRequestResult<'item/commandExecution/requestApproval'> = { decision: 'accept' };
 */
export type ServerRequestResult<M extends ServerRequestMethod> = ServerRequestMap[M]['result'];

/**
 * An answer given now, later (Promise), or as the first value of an Observable.
 *
 * @example
 * codex.serverRequests$.subscribe((request) => {
 *   // A value, a Promise or an Observable: the first value it gives is the answer.
 *   if (request.method === 'item/fileChange/requestApproval') request.respond(firstValueFrom(userDecision$));
 * });
 */
export type Answer<T> = T | PromiseLike<T> | ObservableInput<T>;

/**
 * A request from the server waiting for the client's answer, as seen on `serverRequests$`.
 *
 * Call `respond` or `reject` synchronously when it is emitted (pass a Promise or Observable to
 * answer later, for instance after a dialog). A request that no subscriber claims gets the
 * default answer for its method at once, so the server is never left waiting.
 *
 * @example
 * codex.serverRequests$.subscribe((request: IncomingServerRequest) => {
 *   if (request.method === 'item/commandExecution/requestApproval') request.respond({ decision: 'accept' });
 *   else if (request.method === 'mcpServer/elicitation/request') request.reject('not supported here');
 * });
 */
export type IncomingServerRequest = {
  [M in ServerRequestMethod]: IncomingServerRequestOf<M>;
}[ServerRequestMethod];

/**
 * The incoming server request of one method.
 *
 * @example
 * function approveEdits(request: IncomingServerRequestOf<'item/fileChange/requestApproval'>): void {
 *   request.respond({ decision: 'accept' });
 * }
 */
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
 *
 * @example
 * const noDeletes: ServerRequestHandler<'item/commandExecution/requestApproval'> = (params) => ({
 *   decision: /\brm\b/.test(params.command ?? '') ? 'decline' : 'accept',
 * });
 * await codex.setServerRequestHandler('item/commandExecution/requestApproval', noDeletes);
 */
export type ServerRequestHandler<M extends ServerRequestMethod> = (
  params: ServerRequestMap[M]['params'],
  request: { readonly id: RequestId; readonly method: M },
) => Answer<ServerRequestResult<M>>;

/**
 * Handlers by method, as given in configuration.
 *
 * @example
 * const handlers: ServerRequestHandlers = {
 *   'item/commandExecution/requestApproval': () => ({ decision: 'decline' }),
 *   'item/fileChange/requestApproval': () => ({ decision: 'accept' }),
 * };
 * const codex = new Codex({ serverRequestHandlers: handlers });
 */
export type ServerRequestHandlers = { readonly [M in ServerRequestMethod]?: ServerRequestHandler<M> };
