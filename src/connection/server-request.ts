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
 * import { firstValueFrom, Subject } from 'rxjs';
 *
 * const userDecision$ = new Subject<{ decision: 'accept' | 'decline' }>(); // fed by the UI
 * codex.serverRequests$.subscribe({
 *   next: (request) => {
 *     // A value, a Promise or an Observable: the first value it gives is the answer.
 *     if (request.method === 'item/fileChange/requestApproval') request.respond(firstValueFrom(userDecision$));
 *     else request.decline();
 *   },
 *   error: console.error,
 * });
 */
export type Answer<T> = T | PromiseLike<T> | ObservableInput<T>;

/**
 * A request from the server waiting for the client's answer, as seen on `serverRequests$` and
 * in `pendingServerRequests$`.
 *
 * A request that a handler or a subscriber saw waits for `respond`, `reject` or `decline`, however
 * late (after a `delay`, a scheduler hop, a dialog): it is never answered for you, except with the
 * fail-safe answer once `serverRequestTimeoutMs` has passed. Only a request that nobody could see
 * (no handler, no subscriber) gets the default answer of its method at once.
 *
 * @example
 * codex.serverRequests$.subscribe({
 *   next: (request: IncomingServerRequest) => {
 *     if (request.method === 'item/commandExecution/requestApproval') request.respond({ decision: 'accept' });
 *     else request.decline();
 *   },
 *   error: (error: unknown) => console.error(error),
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
  /** Whether this request is answered (or an answer is on its way), here or, as the server reported, elsewhere. */
  readonly answered: boolean;
  /** Answers with a result of the method's response shape. */
  respond(answer: Answer<ServerRequestResult<M>>): void;
  /** Answers with a JSON-RPC error. */
  reject(message: string, code?: number): void;
  /** Answers with the method's fail-safe answer (`failSafeServerRequestAnswer`): declines, cancels, grants nothing. */
  decline(): void;
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
