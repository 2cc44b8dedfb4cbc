import type { RunInput } from '../client/run-input.js';

/**
 * What a worker is about to run, given to its `onJob` hook.
 *
 * @example
 * const onJob = (job: FleetJobStart) => console.log(`job ${job.jobId} attempt ${job.attempt} on thread ${job.threadId}`);
 */
export interface FleetJobStart {
  readonly jobId: string;
  readonly attempt: number;
  readonly threadId: string;
  readonly input: RunInput;
}
