/**
 * How a stream from `TurnRouter.turn` replays the turn.
 *
 * - `'replay'`: every subscriber sees the whole turn, for as long as the stream can still be
 *   subscribed to (until it is released with `router.release(stream)` or garbage-collected).
 * - `'claim'`: for a single consumer that subscribes once, such as `thread.run()`. Its first
 *   subscriber sees the whole turn; from then on the router keeps no copy of the turn's events.
 *
 * Once no stream of a turn can need the whole turn any more, the router stops keeping its events:
 * a later subscriber sees the turn's first event, then the events from its subscription on.
 *
 * @example
 * import { lastValueFrom } from 'rxjs';
 *
 * const events$ = router.turn(turnId, 'claim');
 * const result = await lastValueFrom(events$.pipe(toTurnResult()));
 */
export type TurnStreamMode = 'replay' | 'claim';
