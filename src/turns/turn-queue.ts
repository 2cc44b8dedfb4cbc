import { concatAll, Observable, Subject, type Subscription } from 'rxjs';

interface Lane {
  readonly leases: Subject<Observable<never>>;
  readonly subscription: Subscription;
  /** Leases of the lane that are waiting or held. */
  open: number;
}

/**
 * Runs the turns of one thread one after another, and those of different threads side by side.
 *
 * The server folds a `turn/start` on a thread whose turn is still active into that turn: it
 * answers with the running turn's id, and the new input may never reach the model. So a client
 * starts a thread's next turn only once the previous one has ended. One queue serves every
 * `Thread` object of a client, so two handles on the same thread id share its order.
 *
 * Each thread has a lane: a stream of leases played with `concatAll`, so a lease is granted when
 * the one before it is released. A lease dropped while it waits gives up its place; the lane is
 * removed with its last lease.
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
      const lane = this.lane(threadId);
      lane.open += 1;
      const released = new Subject<void>();
      let cancelled = false;
      lane.leases.next(
        new Observable<never>((holder) => {
          if (cancelled) {
            holder.complete();
            return undefined;
          }
          const hold = released.subscribe({ complete: () => holder.complete() });
          subscriber.next();
          return hold;
        }),
      );
      return () => {
        cancelled = true;
        released.complete();
        lane.open -= 1;
        if (lane.open === 0) {
          lane.subscription.unsubscribe();
          this.lanes.delete(threadId);
        }
      };
    });
  }

  private lane(threadId: string): Lane {
    let lane = this.lanes.get(threadId);
    if (lane === undefined) {
      const leases = new Subject<Observable<never>>();
      lane = { leases, subscription: leases.pipe(concatAll()).subscribe(), open: 0 };
      this.lanes.set(threadId, lane);
    }
    return lane;
  }
}
