import type { FleetWorkerMetrics } from './fleet-worker-metrics.js';

/**
 * A snapshot of a fleet: the shared queue's depth by state and what each live worker is doing.
 * BullMQ's own tools (Taskforce, bull-board, `queue.exportPrometheusMetrics()`) show the queue
 * in more depth; these are the figures a service watches.
 *
 * @example
 * producer.metrics$(5_000).subscribe((m) => console.log(`${m.waiting} waiting, ${m.active} running, ${m.retries} retries`));
 */
export interface FleetMetrics {
  /** When the snapshot was taken (ms since the epoch). */
  readonly at: number;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly completed: number;
  readonly failed: number;
  /** Attempts after the first, summed over the live workers: restarts after a worker died, and retries of failed turns. */
  readonly retries: number;
  /** The workers whose heartbeat is current. */
  readonly workers: readonly FleetWorkerMetrics[];
}
