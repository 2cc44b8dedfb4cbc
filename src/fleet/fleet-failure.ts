import type { TurnResult } from '../turns/turn-result.js';

/**
 * Why an attempt of a job failed, as it travels through Redis.
 *
 * @example
 * const failure: FleetFailure = { reason: 'turn-failed', message: 'model overloaded' };
 */
export interface FleetFailure {
  /**
   * `turn-failed`: the turn ended with status failed (its `result` is attached); `cancelled`: the
   * job was cancelled; `thread-owner-gone`: its thread's worker is gone (or no worker can open
   * the thread); `app-server-lost`: the worker's app-server died under the turn; `worker-lost`:
   * the workers running it died too often; `invalid-input`: the job can never run (see
   * `InvalidFleetJobError`); `error`: anything else.
   */
  readonly reason: 'turn-failed' | 'cancelled' | 'thread-owner-gone' | 'app-server-lost' | 'worker-lost' | 'invalid-input' | 'error';
  readonly message: string;
  readonly result?: TurnResult;
}
