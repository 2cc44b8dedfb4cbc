import type { Observable, Subscription } from 'rxjs';

/**
 * An Observable as an `AsyncIterable`, for `for await`. Each iteration subscribes on its first
 * `next()` and gives the values in order, then ends when the Observable completes or throws its
 * error; leaving the loop early (`break`, `return`, a throw) unsubscribes. Values that arrive
 * faster than the loop takes them are buffered, none is lost (an Observable cannot be paused).
 *
 * @example
 * const turn = await thread.turn('Say hello');
 * for await (const event of toAsyncIterable(turn.events$)) {
 *   if (event.method === 'item/agentMessage/delta') process.stdout.write(event.params.delta);
 * }
 */
export function toAsyncIterable<T>(source$: Observable<T>): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => new ObservableIterator(source$) };
}

type Waiter<T> = { readonly resolve: (result: IteratorResult<T>) => void; readonly reject: (error: unknown) => void };

/** One subscription read as an iterator. */
class ObservableIterator<T> implements AsyncIterator<T> {
  private readonly buffered: T[] = [];
  private head = 0;
  private readonly waiters: Waiter<T>[] = [];
  private subscription: Subscription | undefined;
  private end: { readonly error: unknown; readonly failed: boolean } | undefined;
  private finished = false;

  constructor(private readonly source$: Observable<T>) {}

  next(): Promise<IteratorResult<T>> {
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    this.subscription ??= this.source$.subscribe({
      next: (value) => this.push(value),
      error: (error: unknown) => this.stop({ error, failed: true }),
      complete: () => this.stop({ error: undefined, failed: false }),
    });
    if (this.head < this.buffered.length) return Promise.resolve({ value: this.take(), done: false });
    if (this.end !== undefined) return this.settle(this.end);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.finished = true;
    this.subscription?.unsubscribe();
    this.buffered.length = 0;
    this.head = 0;
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  private push(value: T): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve({ value, done: false });
    else this.buffered.push(value);
  }

  private take(): T {
    const value = this.buffered[this.head]!;
    this.head += 1;
    // Drop what was read once it is most of the array, so a long run does not keep it all.
    if (this.head >= 1_024 && this.head * 2 >= this.buffered.length) {
      this.buffered.splice(0, this.head);
      this.head = 0;
    }
    return value;
  }

  private stop(end: { readonly error: unknown; readonly failed: boolean }): void {
    this.end = end;
    // Waiters exist only when the buffer is empty: the end is theirs.
    const waiters = this.waiters.splice(0);
    if (waiters.length > 0) this.finished = true;
    for (const waiter of waiters) {
      if (end.failed) waiter.reject(end.error);
      else waiter.resolve({ value: undefined, done: true });
    }
  }

  private settle(end: { readonly error: unknown; readonly failed: boolean }): Promise<IteratorResult<T>> {
    this.finished = true;
    return end.failed ? Promise.reject(end.error) : Promise.resolve({ value: undefined, done: true });
  }
}
