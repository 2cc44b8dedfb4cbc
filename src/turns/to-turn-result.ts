import { Observable, type OperatorFunction } from 'rxjs';
import type { TurnResult } from './turn-result.js';
import { withDefaults } from '../internal/with-defaults.js';
import type { ServerNotification } from '../protocol/server-notification.js';
import { TurnResultBuilder } from './turn-result-builder.js';

/**
 * Options of `toTurnResult`.
 *
 * @example
 * import { lastValueFrom } from 'rxjs';
 *
 * // A failed turn as a result with status 'failed', rather than a TurnFailedError.
 * const result = await lastValueFrom(turn.events$.pipe(toTurnResult({ rejectFailed: false })));
 */
export interface ToTurnResultConfig {
  /** Error with `TurnFailedError` (carrying the result) when the turn failed, instead of emitting it. */
  readonly rejectFailed?: boolean;
}

const DEFAULT_CONFIG: Required<ToTurnResultConfig> = { rejectFailed: true };

/**
 * Reduces the events of one turn to its `TurnResult`: items from `item/completed` in order, the
 * last token usage and this turn's own share of it, status and timing from `turn/completed`. Errors with `IncompleteTurnError`
 * when the events end without `turn/completed`, and (by default) with `TurnFailedError` when the
 * turn failed. An interrupted turn is a result with status `interrupted`. It takes any
 * `ServerNotification` (a `TurnEvent` is one) and skips those that carry nothing for the result.
 *
 * @example
 * import { lastValueFrom } from 'rxjs';
 *
 * const result = await lastValueFrom(turn.events$.pipe(toTurnResult()));
 * console.log(result.finalResponse);
 */
export function toTurnResult(config: ToTurnResultConfig = {}): OperatorFunction<ServerNotification, TurnResult> {
  const { rejectFailed } = withDefaults(DEFAULT_CONFIG, config);
  // One subscriber that builds the result, rather than reduce and map: each event of every turn
  // in flight crosses it.
  return (events$) =>
    new Observable<TurnResult>((subscriber) => {
      const builder = new TurnResultBuilder();
      const subscription = events$.subscribe({
        next: (event) => {
          try {
            builder.add(event);
          } catch (error) {
            // An event lenient decoding let through in a shape the result cannot use.
            subscriber.error(error);
            subscription?.unsubscribe();
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          let result: TurnResult;
          try {
            result = builder.result(rejectFailed);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          subscriber.next(result);
          subscriber.complete();
        },
      });
      return subscription;
    });
}
