import type { TurnResult } from '../turns/turn-result.js';
import type { FleetFailure } from './fleet-failure.js';

/**
 * A fleet job ended without a result: its turn failed on every attempt, it was cancelled, its
 * thread's worker is gone, its app-server or its workers kept dying, or its input can never run.
 * `reason` says which.
 *
 * @example
 * try {
 *   await producer.submit({ input: 'Summarize the logs' }).then((job) => job.result());
 * } catch (error) {
 *   if (error instanceof FleetJobFailedError && error.reason === 'turn-failed') console.log(error.result?.error);
 * }
 */
export class FleetJobFailedError extends Error {
  override readonly name = 'FleetJobFailedError';
  /** Why: `turn-failed`, `cancelled`, `thread-owner-gone`, `app-server-lost`, `worker-lost`, `invalid-input` or `error` (see `FleetFailure`). */
  readonly reason: FleetFailure['reason'];
  /** The failed turn's result, when the turn ran and failed. */
  readonly result: TurnResult | undefined;

  constructor(
    /** The job's id. */
    readonly jobId: string,
    failure: FleetFailure,
    /** How many attempts ran. */
    readonly attempts: number,
  ) {
    super(`fleet job ${jobId} failed after ${attempts} attempt${attempts === 1 ? '' : 's'} (${failure.reason}): ${failure.message}`);
    this.reason = failure.reason;
    this.result = failure.result;
  }
}
