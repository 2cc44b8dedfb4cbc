import { config, Observable, Subscription, type Observer, type Subscriber, type TeardownLogic } from 'rxjs';

/**
 * An `Observable` that can also call a plain observer directly, with no RxJS `Subscriber` around
 * it: for the library's own consumers of the streams every frame crosses (the transport's frames,
 * the connection's notifications). In Node, rxjs resolves to its ES5 build, where each value
 * reaching a subscriber is a chain of calls (`Subscriber.next`, `_next`, `ConsumerObserver.next`
 * with its `try`, then the handler); through `observe` it is one call. `subscribe` is unchanged.
 *
 * An observer without `next` is never visited by a value, only by the end: watching a stream for
 * its end costs nothing per value. A handler that throws is reported as RxJS reports it (thrown
 * later, on its own), so the other observers still get the value and the source never sees it.
 *
 * @example
 * const values = new DirectObservable<number>(
 *   (subscriber) => subscriber.next(1),
 *   (observer) => {
 *     observer.next?.(1);
 *     return () => undefined;
 *   },
 * );
 * const unobserve = values.observe({ next: (value: number) => console.log(value) });
 * unobserve();
 */
export class DirectObservable<T> extends Observable<T> {
  constructor(
    subscribe: (subscriber: Subscriber<T>) => TeardownLogic,
    /** Attaches a plain observer; returns the function that detaches it. */
    readonly observe: (observer: Partial<Observer<T>>) => () => void,
  ) {
    super(subscribe);
  }

  /**
   * Subscribes `observer` to `source$`: directly when `source$` is a `DirectObservable`, else
   * through `subscribe`. Either way the returned `Subscription` detaches it.
   *
   * @example
   * const subscription = DirectObservable.attach(connection.notifications$, {
   *   next: (notification) => console.log(notification.method),
   *   error: (error: unknown) => console.error(error),
   * });
   * subscription.unsubscribe();
   */
  static attach<T>(source$: Observable<T>, observer: Partial<Observer<T>>): Subscription {
    return source$ instanceof DirectObservable ? new Subscription((source$ as DirectObservable<T>).observe(observer)) : source$.subscribe(observer);
  }

  /**
   * Reports an error thrown by an observer's handler as RxJS does (`config.onUnhandledError`, else
   * thrown on its own a moment later): the source that delivered the value never sees it.
   *
   * @example
   * const observer = { next: (value: number) => console.log(value.toFixed(2)) };
   * try {
   *   observer.next(1);
   * } catch (error) {
   *   DirectObservable.reportError(error);
   * }
   */
  static reportError(error: unknown): void {
    setTimeout(() => {
      const onUnhandledError = config.onUnhandledError;
      if (onUnhandledError) onUnhandledError(error);
      else throw error;
    });
  }
}
