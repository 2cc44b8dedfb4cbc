import type { StallWatch } from './stall-watch.js';
import type { TurnEvent } from '../turns/turn-event.js';
import type { TurnObserver } from '../turns/turn-observer.js';
import { TurnResultBuilder } from '../turns/turn-result-builder.js';
import type { TurnResult } from '../turns/turn-result.js';
import type { TurnStream } from '../turns/turn-stream.js';

/** Where a `TurnReader` delivers the turn's result or error, once. */
export interface TurnReaderSettle {
  readonly resolve: (result: TurnResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The one reader of a claimed turn for `run()`: a plain observer on the router's channel that
 * builds the result and feeds the turn's stall watch, so that each event of every turn in flight
 * is one direct call instead of a chain of subscribers. It ends as the handle's `result$` would:
 * with the result at `turn/completed`, with the watch's verdict once the turn was found stalled
 * (its own events no longer count then), or with the error of the events.
 *
 * @example
 * const events = router.turn(turnId, 'claim');
 * if (events instanceof TurnStream) {
 *   new TurnReader(events, undefined, {
 *     resolve: (result) => console.log(result.finalResponse),
 *     reject: (error) => console.error(error),
 *   });
 * }
 */
export class TurnReader implements TurnObserver {
  /** Undefined once the result is settled or no longer wanted: nothing more is kept. */
  private builder: TurnResultBuilder | undefined = new TurnResultBuilder();

  constructor(
    events: TurnStream,
    private readonly watch: StallWatch | undefined,
    private readonly settle: TurnReaderSettle,
  ) {
    watch?.onVerdict({
      next: (event) => {
        this.builder?.add(event);
        this.finish();
      },
      error: (error: unknown) => this.fail(error),
    });
    // Stays attached until the turn ends, also when no longer wanted: the watch still needs the events.
    events.observe(this);
  }

  next(event: TurnEvent): void {
    const watch = this.watch;
    if (watch !== undefined) {
      // Once found stalled, the verdict is the end: an interrupt's own turn/completed must not pass for a normal end.
      if (watch.ending) return;
      watch.note(event);
    }
    const builder = this.builder;
    if (builder === undefined) return;
    try {
      builder.add(event);
    } catch (error) {
      // An event lenient decoding let through in a shape the result cannot use.
      this.fail(error);
      return;
    }
    if (event.method === 'turn/completed') this.finish();
  }

  error(error: unknown): void {
    this.watch?.end();
    this.fail(error);
  }

  complete(): void {
    if (this.watch?.ending === true) return;
    this.watch?.end();
    this.finish();
  }

  /** The result is no longer wanted: nothing more is built or settled. */
  cancel(): void {
    this.builder = undefined;
  }

  private finish(): void {
    const builder = this.builder;
    if (builder === undefined) return;
    this.builder = undefined;
    let result: TurnResult;
    try {
      result = builder.result(true);
    } catch (error) {
      this.settle.reject(error);
      return;
    }
    this.settle.resolve(result);
  }

  private fail(error: unknown): void {
    if (this.builder === undefined) return;
    this.builder = undefined;
    this.settle.reject(error);
  }
}
