import { Observable, type Subscriber } from 'rxjs';

const NONE: readonly Subscriber<never>[] = [];

/**
 * A hot stream with the semantics of an RxJS `Subject` (values go to the subscribers present
 * when they are emitted; a late subscriber gets only the end), for the paths every frame takes.
 *
 * In Node, rxjs resolves to its ES5 build, whose `Subject.next` allocates an iterator and a
 * result object per call and a closure for its error context: per frame, that garbage was a
 * measurable part of the pipeline's collection time. This stream loops over an array of
 * subscribers instead. The array is replaced, never mutated, so a subscriber that joins or
 * leaves during a delivery neither gets nor skips a value by accident.
 *
 * @example
 * const frames = new HotStream<string>();
 * frames.observable.subscribe((frame) => console.log(frame));
 * frames.next('{"method":"turn/started"}');
 * frames.complete();
 */
export class HotStream<T> {
  private subscribers: readonly Subscriber<T>[] = NONE;
  private end: { readonly error?: unknown } | undefined;

  /** The stream, to hand out. Each subscription is one more direct call per value. */
  readonly observable: Observable<T> = new Observable<T>((subscriber) => {
    const end = this.end;
    if (end !== undefined) {
      if ('error' in end) subscriber.error(end.error);
      else subscriber.complete();
      return undefined;
    }
    this.subscribers = [...this.subscribers, subscriber];
    return () => {
      this.subscribers = this.subscribers.filter((other) => other !== subscriber);
    };
  });

  /** Whether anyone is subscribed. */
  get observed(): boolean {
    return this.subscribers.length > 0;
  }

  next(value: T): void {
    const subscribers = this.subscribers;
    for (let i = 0; i < subscribers.length; i += 1) subscribers[i]!.next(value);
  }

  error(error: unknown): void {
    this.finish({ error });
  }

  complete(): void {
    this.finish({});
  }

  private finish(end: { readonly error?: unknown }): void {
    if (this.end !== undefined) return;
    this.end = end;
    const subscribers = this.subscribers;
    this.subscribers = NONE;
    for (const subscriber of subscribers) {
      if ('error' in end) subscriber.error(end.error);
      else subscriber.complete();
    }
  }
}
