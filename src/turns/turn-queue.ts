import { Observable } from 'rxjs';

interface Lane {
  /** The lease that holds the thread, if any. */
  holder: (() => void) | undefined;
  /** The leases waiting, in order (a Set: one that leaves while it waits is removed at once). */
  readonly waiting: Set<() => void>;
}

/**
 * Runs the turns of one thread one after another, and those of different threads side by side.
 *
 * The server folds a `turn/start` on a thread whose turn is still active into that turn: it
 * answers with the running turn's id, and the new input may never reach the model. So a client
 * starts a thread's next turn only once the previous one has ended. One queue serves every
 * `Thread` object of a client, so two handles on the same thread id share its order.
 *
 * Each thread has a lane: the lease that holds it and those waiting, in order. A lease is granted
 * when the one before it is released; one dropped while it waits gives up its place; the lane is
 * removed with its last lease. Plain callbacks rather than a stream of leases per thread: a
 * client may have a turn waiting or running on thousands of threads at once.
 *
 * @example
 * const queue = new TurnQueue();
 * const lease = queue.lease$(threadId).subscribe(() => {
 *   // the thread's earlier turns have ended: start this one, and release when it ends
 *   void thread.run('Next step').finally(() => lease.unsubscribe());
 * });
 */
export class TurnQueue {
  private readonly lanes = new Map<string, Lane>();

  /** How many threads have turns running or waiting: zero when idle. */
  get size(): number {
    return this.lanes.size;
  }

  /**
   * Emits once when every earlier lease of `threadId` has been released, and holds the thread
   * until unsubscribed. Unsubscribing before the grant leaves the queue without delaying anyone.
   */
  lease$(threadId: string): Observable<void> {
    return new Observable<void>((subscriber) => {
      let lane = this.lanes.get(threadId);
      if (lane === undefined) {
        lane = { holder: undefined, waiting: new Set() };
        this.lanes.set(threadId, lane);
      }
      const grant = () => subscriber.next();
      lane.waiting.add(grant);
      const own = lane;
      this.advance(own);
      return () => {
        if (own.holder === grant) {
          own.holder = undefined;
          this.advance(own);
        } else {
          own.waiting.delete(grant);
        }
        if (own.holder === undefined && own.waiting.size === 0 && this.lanes.get(threadId) === own) this.lanes.delete(threadId);
      };
    });
  }

  /** Grants the next waiting lease while the thread is free. */
  private advance(lane: Lane): void {
    while (lane.holder === undefined) {
      const next = lane.waiting.values().next();
      if (next.done === true) return;
      lane.waiting.delete(next.value);
      lane.holder = next.value;
      next.value();
    }
  }
}
