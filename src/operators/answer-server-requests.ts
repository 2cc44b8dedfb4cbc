import { EMPTY, catchError, defer, finalize, from, ignoreElements, isObservable, mergeMap, of, take, tap, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import type {
  Answer,
  IncomingServerRequest,
  IncomingServerRequestOf,
  ServerRequestMethod,
  ServerRequestResult,
} from '../connection/server-request.js';

/**
 * Answers the server requests of one method with `answer` (a value, a Promise or an Observable,
 * whose first value is the answer) and passes the requests of other methods on, so several can be
 * chained. A request is answered only when `answer` gives its value: until then it stays in
 * `pendingServerRequests$`. An `answer` that throws, fails or completes empty, or a subscription
 * that ends first, declines (`request.decline()`): the fail-safe answer, never an approval.
 *
 * @example
 * import { createInterface } from 'node:readline/promises';
 *
 * const terminal = createInterface({ input: process.stdin, output: process.stdout });
 * codex.serverRequests$
 *   .pipe(
 *     answerServerRequests('item/commandExecution/requestApproval', async (params) => ({
 *       decision: (await terminal.question(`Run ${params.command ?? 'a command'}? [y/N] `)) === 'y' ? 'accept' : 'decline',
 *     })),
 *     answerServerRequests('item/fileChange/requestApproval', () => ({ decision: 'decline' })),
 *   )
 *   .subscribe({ next: (other) => other.decline(), error: (error: unknown) => console.error(error) });
 */
export function answerServerRequests<M extends ServerRequestMethod>(
  method: M,
  answer: (params: IncomingServerRequestOf<M>['params'], request: IncomingServerRequestOf<M>) => Answer<ServerRequestResult<M>>,
): MonoTypeOperatorFunction<IncomingServerRequest> {
  // mergeMap subscribes each answer at once and keeps the order of the requests passed on.
  return mergeMap((request): Observable<IncomingServerRequest> => {
    if (request.method !== method) return of(request);
    if (request.answered) return EMPTY;
    const own = request as unknown as IncomingServerRequestOf<M>;
    return defer(() => answerOf(answer(own.params, own))).pipe(
      take(1),
      tap({ next: (result) => own.respond(result), error: () => own.decline() }),
      finalize(() => {
        if (!own.answered) own.decline();
      }),
      ignoreElements(),
      // The request is declined by now; the other requests go on being answered.
      catchError(() => EMPTY),
    );
  });
}

function answerOf<T>(answer: Answer<T>): Observable<T> {
  if (isObservable(answer) || isPromiseLike(answer) || isAsyncIterable(answer)) return from(answer as Observable<T>);
  return of(answer as T);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function isAsyncIterable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
