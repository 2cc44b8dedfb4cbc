import { lastValueFrom, type Observable } from 'rxjs';
import type { TurnResult } from '../turns/turn-result.js';
import type { FleetEvent } from './fleet-event.js';

/**
 * A submitted job: its live events, its result, and a way to cancel it. Dropping the handle or
 * unsubscribing from its streams leaves the job running; `cancel()` stops it wherever it runs.
 *
 * @example
 * const job = await producer.submit({ input: 'Summarize README.md', key: 'summary-readme' });
 * job.events$.subscribe((entry) => console.log(entry.seq, entry.kind));
 * const result = await job.result();
 */
export class FleetJobHandle {
  constructor(
    /** The job's id: its idempotency key. */
    readonly id: string,
    /** The job's event stream from its start, live until its final entry (see `FleetEvent`). */
    readonly events$: Observable<FleetEvent>,
    /** The turn's result, once, however often the job ran; errors with `FleetJobFailedError`. */
    readonly result$: Observable<TurnResult>,
    private readonly cancelJob: () => Promise<void>,
  ) {}

  /** Waits for the turn's result; rejects with `FleetJobFailedError` when the job failed. */
  result(): Promise<TurnResult> {
    return lastValueFrom(this.result$);
  }

  /** Stops the job: removed if still waiting, else its turn is interrupted where it runs. It then fails with reason `cancelled`. */
  cancel(): Promise<void> {
    return this.cancelJob();
  }
}
