/**
 * A turn's event stream ended without `turn/completed`, so there is no result to give.
 *
 * @example
 * import { lastValueFrom, take } from 'rxjs';
 *
 * // Three events are not a whole turn: there is no turn/completed to make a result of.
 * const error = await lastValueFrom(turn.events$.pipe(take(3), toTurnResult())).catch((e: unknown) => e);
 * error instanceof IncompleteTurnError; // true
 */
export class IncompleteTurnError extends Error {
  override readonly name = 'IncompleteTurnError';
  constructor(readonly turnId: string | undefined) {
    super(`the events of turn ${turnId ?? '(unknown)'} ended before turn/completed`);
  }
}
