import { DEFAULT_FLEET_CONFIG, type FleetConfig } from './fleet-config.js';

/**
 * The Redis keys and BullMQ queue names of one fleet, in one place so that producers and
 * workers cannot disagree.
 *
 * @example
 * const keys = new FleetKeys({ redis: 'redis://127.0.0.1:6379' });
 * keys.events('job-1'); // 'codex-rx:turns:events:job-1'
 */
export class FleetKeys {
  /** The BullMQ key prefix. */
  readonly prefix: string;
  /** The shared queue every worker takes jobs from. */
  readonly queue: string;
  private readonly base: string;

  constructor(config: FleetConfig) {
    this.prefix = config.prefix ?? DEFAULT_FLEET_CONFIG.prefix;
    this.queue = config.queue ?? DEFAULT_FLEET_CONFIG.queue;
    this.base = `${this.prefix}:${this.queue}`;
  }

  /** The queue only the worker `workerId` takes jobs from: follow-ups on the threads it holds. */
  workerQueue(workerId: string): string {
    return `${this.queue}.worker.${workerId}`;
  }

  /** The Redis Stream of a job's events. */
  events(jobId: string): string {
    return `${this.base}:events:${jobId}`;
  }

  /** How many attempts of a job have begun: the fence that keeps a superseded attempt from writing. */
  attempts(jobId: string): string {
    return `${this.base}:attempts:${jobId}`;
  }

  /** The marker that a job was cancelled (seen by a worker that picks it up later). */
  cancelled(jobId: string): string {
    return `${this.base}:cancelled:${jobId}`;
  }

  /** The pub/sub channel on which cancellations reach the worker running the job. */
  get cancelChannel(): string {
    return `${this.base}:cancel`;
  }

  /** Which worker holds a thread. */
  threadOwner(threadId: string): string {
    return `${this.base}:thread:${threadId}`;
  }

  /** A worker's heartbeat hash (running turns, concurrency, counters); expires when it stops beating. */
  worker(workerId: string): string {
    return `${this.base}:worker:${workerId}`;
  }

  /** Held by the worker that is handing a dead worker's jobs on, so that only one does. */
  sweep(workerId: string): string {
    return `${this.base}:sweep:${workerId}`;
  }

  /** The set of worker ids that have announced themselves. */
  get workers(): string {
    return `${this.base}:workers`;
  }
}
