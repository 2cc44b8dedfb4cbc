import { Observable } from 'rxjs';
import type { TurnEvent } from './turn-event.js';
import type { TurnObserver } from './turn-observer.js';

/**
 * The stream `TurnRouter.turn` hands out: an Observable of the turn's events that can also take
 * a plain `TurnObserver` straight onto the router's channel (`observe`), for the one reader of a
 * claimed turn. Subscribing and observing attach the same way, with the same replay.
 *
 * @example
 * const events$ = router.turn(turnId, 'claim');
 * if (events$ instanceof TurnStream) {
 *   const detach = events$.observe({ next: (event) => console.log(event.method), error: console.error, complete: () => undefined });
 * }
 */
export class TurnStream extends Observable<TurnEvent> {
  constructor(
    private readonly open: (observer: TurnObserver) => () => void,
    private readonly letGo: () => void,
  ) {
    super((subscriber) => open(subscriber));
  }

  /** Attaches `observer` as a subscription would; returns the function that detaches it. */
  observe(observer: TurnObserver): () => void {
    return this.open(observer);
  }

  /** Says that this stream will not be subscribed to again (see `TurnRouter.release`). */
  release(): void {
    this.letGo();
  }
}
