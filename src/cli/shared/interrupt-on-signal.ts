import { catchError, EMPTY, from, ignoreElements, mergeMap, take, type Observable } from 'rxjs';
import type { TurnHandle } from '../../client/turn-handle.js';

/**
 * Interrupts `turn` on the server at the first of `signals$`, and emits nothing: merged beside
 * the turn's events, it lets the turn end with its own (interrupted) result.
 *
 * @example
 * import { lastValueFrom, merge } from 'rxjs';
 * import { interruptSignals } from './interrupt-signals.js';
 *
 * const result = await lastValueFrom(merge(turn.events$, interruptOnSignal(turn, interruptSignals())).pipe(toTurnResult()));
 */
export function interruptOnSignal(turn: Pick<TurnHandle, 'interrupt'>, signals$: Observable<unknown>): Observable<never> {
  return signals$.pipe(
    take(1),
    // A turn that ends on its own meanwhile makes the interrupt fail; the turn's end is what counts.
    mergeMap(() => from(turn.interrupt()).pipe(catchError(() => EMPTY))),
    ignoreElements(),
  );
}
