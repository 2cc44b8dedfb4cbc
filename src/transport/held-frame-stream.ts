import { DirectObservable } from '../internal/direct-observable.js';
import { HotStream } from '../internal/hot-stream.js';

/**
 * A hot stream that holds what it receives until its first subscriber arrives, then hands all of
 * it over (its end included) and passes everything on live. Transports start reading before the
 * connection subscribes; this is how nothing read in between is lost.
 */
export class HeldFrameStream<T> {
  private readonly subject = new HotStream<T>();
  // What arrived before the first subscriber, and how the stream ended meanwhile;
  // undefined once the first subscriber has taken them.
  private held: T[] | undefined = [];
  private heldEnd: { readonly error?: unknown } | undefined;
  private ended = false;

  /** The stream: hot, shared, with the held values replayed to the first subscriber only. Takes plain observers too (`DirectObservable`). */
  readonly observable: DirectObservable<T> = new DirectObservable<T>(
    (subscriber) => {
      const subscription = this.subject.observable.subscribe(subscriber);
      this.release();
      return subscription;
    },
    (observer) => {
      const detach = this.subject.observable.observe(observer);
      this.release();
      return detach;
    },
  );

  next(value: T): void {
    if (this.ended) return;
    if (this.held !== undefined) this.held.push(value);
    else this.subject.next(value);
  }

  /** Ends the stream: with an error when one is given, else by completing. Later calls are ignored. */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    const end = error === undefined ? {} : { error };
    if (this.held !== undefined) this.heldEnd = end;
    else this.finish(end);
  }

  private release(): void {
    const held = this.held;
    if (held === undefined) return;
    this.held = undefined;
    for (const value of held) this.subject.next(value);
    const end = this.heldEnd;
    this.heldEnd = undefined;
    if (end !== undefined) this.finish(end);
  }

  private finish(end: { readonly error?: unknown }): void {
    if ('error' in end) this.subject.error(end.error);
    else this.subject.complete();
  }
}
