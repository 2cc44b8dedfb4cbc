import type { Observable, Observer } from 'rxjs';
import { DirectObservable } from './direct-observable.js';

type Sink<T> = Partial<Observer<T>>;

const NONE: readonly Sink<any>[] = [];

/**
 * A hot stream with the semantics of an RxJS `Subject` (values go to the subscribers present
 * when they are emitted; a late subscriber gets only the end), for the paths every frame takes.
 *
 * In Node, rxjs resolves to its ES5 build, whose `Subject.next` allocates an iterator and a
 * result object per call and a closure for its error context: per frame, that garbage was a
 * measurable part of the pipeline's collection time. This stream loops over an array of
 * subscribers instead, and its `observable` also takes plain observers (`observe`, see
 * `DirectObservable`): one call per value, and none for an observer that only waits for the end.
 * The arrays are replaced, never mutated, so a subscriber that joins or leaves during a delivery
 * neither gets nor skips a value by accident.
 *
 * @example
 * const frames = new HotStream<string>();
 * frames.observable.subscribe((frame) => console.log(frame));
 * frames.next('{"method":"turn/started"}');
 * frames.complete();
 */
export class HotStream<T> {
  /** Those a value visits: every subscriber, and the plain observers that have `next`. */
  private valueSinks: readonly Sink<T>[] = NONE;
  /** Those the end visits, in the order they came. */
  private endSinks: readonly Sink<T>[] = NONE;
  private end: { readonly error?: unknown } | undefined;

  /** The stream, to hand out. Each subscription is one more direct call per value. */
  readonly observable: DirectObservable<T> = new DirectObservable<T>(
    (subscriber) => this.attach(subscriber),
    (observer) => this.attach(observer),
  );

  /**
   * Shares one pass through `source$` among several consumers, as `share()` does, without a
   * `Subject` and a subscriber chain per value: subscribed to at once (directly, when `source$`
   * is a `DirectObservable`), until it ends.
   *
   * @example
   * const routed$ = HotStream.share(connection.notifications$);
   * routed$.subscribe((notification) => console.log(notification.method));
   */
  static share<T>(source$: Observable<T>): DirectObservable<T> {
    const stream = new HotStream<T>();
    DirectObservable.attach(source$, {
      next: (value) => stream.next(value),
      error: (error: unknown) => stream.error(error),
      complete: () => stream.complete(),
    });
    return stream.observable;
  }

  /** Whether anyone is subscribed. */
  get observed(): boolean {
    return this.endSinks.length > 0;
  }

  next(value: T): void {
    const sinks = this.valueSinks;
    for (let i = 0; i < sinks.length; i += 1) {
      const sink = sinks[i]!;
      // One that left during this delivery (the list was replaced) gets nothing more, as a closed
      // Subscriber would not; the check costs one comparison while nobody leaves.
      if (this.valueSinks !== sinks && !this.valueSinks.includes(sink)) continue;
      try {
        sink.next!(value);
      } catch (error) {
        DirectObservable.reportError(error);
      }
    }
  }

  error(error: unknown): void {
    this.finish({ error });
  }

  complete(): void {
    this.finish({});
  }

  private attach(sink: Sink<T>): () => void {
    const end = this.end;
    if (end !== undefined) {
      deliverEnd(sink, end);
      return () => undefined;
    }
    if (sink.next !== undefined) this.valueSinks = [...this.valueSinks, sink];
    this.endSinks = [...this.endSinks, sink];
    return () => {
      this.valueSinks = this.valueSinks.filter((other) => other !== sink);
      this.endSinks = this.endSinks.filter((other) => other !== sink);
    };
  }

  private finish(end: { readonly error?: unknown }): void {
    if (this.end !== undefined) return;
    this.end = end;
    const sinks = this.endSinks;
    this.valueSinks = NONE;
    this.endSinks = NONE;
    for (const sink of sinks) deliverEnd(sink, end);
  }
}

/** Ends one subscriber or observer; an error nobody handles is reported, as RxJS does. */
function deliverEnd<T>(sink: Sink<T>, end: { readonly error?: unknown }): void {
  try {
    if (!('error' in end)) sink.complete?.();
    else if (sink.error !== undefined) sink.error(end.error);
    else DirectObservable.reportError(end.error);
  } catch (error) {
    DirectObservable.reportError(error);
  }
}
