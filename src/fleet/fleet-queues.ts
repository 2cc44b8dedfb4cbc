import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { FleetDependencies } from './load-fleet-dependencies.js';

/**
 * The BullMQ queues a producer or worker has opened, one per name, on its connection.
 *
 * @example
 * import { loadFleetDependencies } from './load-fleet-dependencies.js';
 * import { openRedis } from './open-redis.js';
 * import type { FleetJobData } from './fleet-job-data.js';
 *
 * const dependencies = await loadFleetDependencies();
 * const redis = openRedis(dependencies, { redis: 'redis://127.0.0.1:6379' }, 'codex-rx example');
 * const data: FleetJobData = { input: 'hi', thread: { start: {} }, retainSeconds: 3600 };
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
