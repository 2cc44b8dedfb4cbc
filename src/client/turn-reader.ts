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
export class TurnReader extends TurnResultBuilder implements TurnObserver {
  // The reader is its own result builder, and keeps the watch's progress flag itself: with many
  // turns in flight, every other object an event visits is one more cache miss.
  /** True once the result is settled or no longer wanted: nothing more is built or settled. */
  private done = false;
  /** Whether an event came since the stall watch last asked (see `takeProgress`). */
  private progressed = false;

  constructor(
    events: TurnStream,
    private readonly watch: StallWatch | undefined,
    private readonly settle: TurnReaderSettle,
  ) {
    super();
    watch?.readProgressFrom(() => this.takeProgress());
    watch?.onVerdict({
      next: (event) => {
        if (!this.done) this.add(event);
        this.finish();
      },
      error: (error: unknown) => this.fail(error),
    });
    // Stays attached until the turn ends, also when no longer wanted: the watch still needs the events.
    events.observe(this);
  }

  /** For the stall watch that this reader feeds: whether an event came since it last asked. */
  takeProgress(): boolean {
    const progressed = this.progressed;
    this.progressed = false;
    return progressed;
  }

  next(event: TurnEvent): void {
    const watch = this.watch;
    if (watch !== undefined) {
      // Most of a turn's events: progress, and nothing for the result or for the watch's checks.
      if (event.method === 'item/agentMessage/delta') {
        this.progressed = true;
        return;
      }
      // Once found stalled, the verdict is the end: an interrupt's own turn/completed must not pass for a normal end.
      if (watch.ending) return;
      watch.note(event);
    }
    if (this.done) return;
    try {
      this.add(event);
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
    this.done = true;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    let result: TurnResult;
    try {
      result = this.result(true);
    } catch (error) {
      this.settle.reject(error);
      return;
    }
    this.settle.resolve(result);
  }

  private fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.settle.reject(error);
  }
}
