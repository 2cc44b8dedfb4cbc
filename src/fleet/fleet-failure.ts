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
   * job was cancelled; `thread-owner-gone`: its thread's worker is gone; `error`: anything else.
   */
  readonly reason: 'turn-failed' | 'cancelled' | 'thread-owner-gone' | 'error';
  readonly message: string;
  readonly result?: TurnResult;
}
