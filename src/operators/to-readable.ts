import { Readable } from 'node:stream';
import type { Observable } from 'rxjs';
import { toAsyncIterable } from './to-async-iterable.js';

/**
 * Options of `toReadable`. Defaults are in `DEFAULT_TO_READABLE_OPTIONS`.
 *
 * @example
 * const readable = toReadable(codex.notifications$, { highWaterMark: 64 });
 */
export interface ToReadableOptions {
  /** How many values the stream holds for its reader before it stops taking more from the Observable's buffer. */
  readonly highWaterMark?: number;
}

/**
 * The defaults of `ToReadableOptions` (Node's own for object streams).
 *
 * @example
 * const readable = toReadable(turn.events$, { highWaterMark: DEFAULT_TO_READABLE_OPTIONS.highWaterMark * 4 });
 */
export const DEFAULT_TO_READABLE_OPTIONS = { highWaterMark: 16 } as const satisfies Required<ToReadableOptions>;

/**
 * An Observable as a Node `Readable` in object mode, for `pipeline()` and stream tools. It
 * subscribes when first read, takes values only as fast as its reader drains them (the rest wait,
 * in order, in the Observable's buffer: none is lost), ends when the Observable completes and is
 * destroyed with its error when it fails; destroying the stream unsubscribes. Values must not be
 * `null`, which ends an object stream.
 *
 * @example
 * import { createWriteStream } from 'node:fs';
 * import { Transform } from 'node:stream';
 * import { pipeline } from 'node:stream/promises';
 *
 * const turn = await thread.turn('Say hello');
 * await pipeline(
 *   toReadable(turn.events$),
 *   new Transform({ objectMode: true, transform: (event: TurnEvent, _encoding, done) => done(null, `${JSON.stringify(event)}\n`) }),
 *   createWriteStream('events.jsonl'),
 * );
 */
export function toReadable<T>(source$: Observable<T>, options: ToReadableOptions = {}): Readable {
  return new ObservableReadable(source$, options.highWaterMark ?? DEFAULT_TO_READABLE_OPTIONS.highWaterMark);
}

/**
 * Pulls one value per `_read`. The Observable's error waits until the reader has taken every
 * value before it: destroying at once would drop what the stream still holds.
 */
class ObservableReadable<T> extends Readable {
  private readonly values: AsyncIterator<T>;
  private failure: { readonly error: unknown } | undefined;

  constructor(source$: Observable<T>, highWaterMark: number) {
    super({ objectMode: true, highWaterMark });
    this.values = toAsyncIterable(source$)[Symbol.asyncIterator]();
  }

  override _read(): void {
    this.values.next().then(
      (result) => {
        if (!this.destroyed) this.push(result.done === true ? null : result.value);
      },
      (error: unknown) => {
        this.failure = { error };
        this.failOnceDrained();
      },
    );
  }

  // Every reader (flowing mode, pipe, pipeline, async iteration) takes values through read().
  override read(size?: number): unknown {
    const value: unknown = super.read(size);
    this.failOnceDrained();
    return value;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    void this.values.return?.().then(() => callback(error), callback);
  }

  private failOnceDrained(): void {
    if (this.failure !== undefined && this.readableLength === 0 && !this.destroyed) this.destroy(this.failure.error as Error);
  }
}
