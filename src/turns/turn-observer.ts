import type { Observer } from 'rxjs';
import type { TurnEvent } from './turn-event.js';

/**
 * A plain observer of one turn's events, attached straight to the router's channel with
 * `TurnStream.observe`: one direct call per event, with no subscriber chain in between. It must
 * not throw. While `closed` is true it takes no more events (an rxjs `Subscriber` is one).
 *
 * @example
 * const observer: TurnObserver = {
 *   next: (event) => console.log(event.method),
 *   error: (error) => console.error(error),
 *   complete: () => console.log('turn ended'),
 * };
 * const events = router.turn(turnId, 'claim');
 * const detach = events instanceof TurnStream ? events.observe(observer) : undefined;
 */
export interface TurnObserver extends Observer<TurnEvent> {
  /** Takes the turn's next event. */
  next: (event: TurnEvent) => void;
  /** Takes the error that ends the turn's stream. */
  error: (error: unknown) => void;
  /** Called once the turn's stream has ended with its last event. */
  complete: () => void;
  /** True once it takes no more events (as an rxjs `Subscriber` that has unsubscribed). */
  readonly closed?: boolean;
}
