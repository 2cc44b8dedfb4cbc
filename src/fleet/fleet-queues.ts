import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FleetDependencies } from './load-fleet-dependencies.js';

/**
 * The BullMQ queues a producer or worker has opened, one per name, on its connection.
 *
 * @example
 * const queues = new FleetQueues(dependencies, redis, 'codex-rx');
 * await queues.get('turns').add('turn', data);
 * await queues.close();
 */
export class FleetQueues {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly dependencies: FleetDependencies,
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** The queue of that name, opened on first use. */
  get(name: string): Queue {
    let queue = this.queues.get(name);
    if (queue === undefined) {
      queue = new this.dependencies.bullmq.Queue(name, { connection: this.redis, prefix: this.prefix });
      // Connection errors are retried by the client; commands wait for the reconnection.
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Every queue opened so far. */
  all(): Queue[] {
    return [...this.queues.values()];
  }

  /** Closes every queue opened. */
  async close(): Promise<void> {
    await Promise.all(this.all().map((queue) => queue.close()));
  }
}
