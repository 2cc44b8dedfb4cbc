/**
 * What one worker reports in its heartbeat.
 *
 * @example
 * import { firstValueFrom } from 'rxjs';
 *
 * const metrics = await firstValueFrom(producer.metrics$());
 * const busy = metrics.workers.filter((worker: FleetWorkerMetrics) => worker.running === worker.concurrency);
 */
export interface FleetWorkerMetrics {
  readonly id: string;
  /** Turns running now. */
  readonly running: number;
  readonly concurrency: number;
  /** Jobs this worker completed since it started. */
  readonly completed: number;
  /** Attempts of jobs that failed on this worker since it started. */
  readonly failed: number;
  /** Attempts after the first that this worker started. */
  readonly retries: number;
}
