import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TurnResult } from '../turns/turn-result.js';
import { FleetEventLog } from './fleet-event-log.js';
import type { FleetJobData } from './fleet-job-data.js';
import type { FleetKeys } from './fleet-keys.js';
import type { FleetQueues } from './fleet-queues.js';

/** Job states of a dead worker's own queue that nobody will ever take. */
const STRANDED_STATES = ['active', 'waiting', 'prioritized', 'delayed'] as const;

/**
 * Looks after the own queues of workers that died (a crash leaves a worker in the fleet's set of
 * workers with a heartbeat that has expired): only its owner takes jobs from such a queue, and
 * BullMQ's stalled-job check runs only in the workers of a queue, so without this a follow-up
 * waiting there, or running there when its worker died, would never end.
 *
 * A worker counts as dead once its heartbeat has been gone for `graceMs` (a worker stopped by a
 * busy machine for a few seconds is not dead), and a running job once its lock has expired. Such
 * a job moves to the shared queue when its workers share a `CODEX_HOME` (any worker resumes the
 * thread; the attempts it has left go with it); otherwise it fails for good with
 * `thread-owner-gone`, as `submit` would have. A worker stopped with `close()` has left the set,
 * and its follow-ups wait for it to come back with the same id.
 *
 * @example
 * import { loadFleetDependencies } from './load-fleet-dependencies.js';
 * import { openRedis } from './open-redis.js';
 * import { FleetKeys } from './fleet-keys.js';
 * import { FleetQueues } from './fleet-queues.js';
 *
 * const config = { redis: 'redis://127.0.0.1:6379' };
 * const dependencies = await loadFleetDependencies();
 * const redis = openRedis(dependencies, config, 'codex-rx example');
 * const keys = new FleetKeys(config);
 * const sweep = new DeadWorkerSweep(redis, keys, new FleetQueues(dependencies, redis, keys.prefix), 'worker-a', 30_000);
 * setInterval(() => void sweep.run(), 30_000);
 */
export class DeadWorkerSweep {
  /** When this sweeper first saw each worker without a heartbeat. */
  private readonly missingSince = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: FleetKeys,
    private readonly queues: FleetQueues,
    private readonly selfId: string,
    private readonly graceMs: number,
  ) {}

  /** One pass over the fleet's workers. */
  async run(): Promise<void> {
    const ids = await this.redis.smembers(this.keys.workers);
    for (const id of ids) {
      if (id === this.selfId) continue;
      if ((await this.redis.exists(this.keys.worker(id))) === 1) {
        this.missingSince.delete(id);
        continue;
      }
      const since = this.missingSince.get(id) ?? Date.now();
      this.missingSince.set(id, since);
      if (Date.now() - since < this.graceMs) continue;
      // One sweeper per dead worker at a time: two would move one job twice.
      if ((await this.redis.set(this.keys.sweep(id), this.selfId, 'PX', this.graceMs, 'NX')) !== 'OK') continue;
      try {
        await this.sweep(id);
      } finally {
        await this.redis.del(this.keys.sweep(id));
      }
    }
  }

  private async sweep(deadId: string): Promise<void> {
    const name = this.keys.workerQueue(deadId);
    const queue = this.queues.get(name);
    const jobs = (await queue.getJobs([...STRANDED_STATES])) as Array<Job<FleetJobData, TurnResult>>;
    let locked = 0;
    for (const job of jobs) {
      if (job?.id === undefined) continue;
      // Back from the dead meanwhile: its queue is its own again.
      if ((await this.redis.exists(this.keys.worker(deadId))) === 1) return;
      if ((await this.redis.exists(`${this.keys.prefix}:${name}:${job.id}:lock`)) === 1) {
        locked += 1;
        continue;
      }
      await this.rehome(job, deadId);
    }
    if (locked === 0 && (await this.redis.exists(this.keys.worker(deadId))) === 0) {
      await this.redis.srem(this.keys.workers, deadId);
      this.missingSince.delete(deadId);
    }
  }

  private async rehome(job: Job<FleetJobData, TurnResult>, deadId: string): Promise<void> {
    const data = job.data;
    const jobId = job.id!;
    if (data.sharedCodexHome === true) {
      // Added before it is removed: a sweep cut short in between finds it again, and adding an id
      // that the shared queue already has is a no-op.
      await this.queues.get(this.keys.queue).add(job.name, data, {
        jobId,
        attempts: Math.max(1, (job.opts.attempts ?? 1) - job.attemptsMade),
        ...(job.opts.priority === undefined ? {} : { priority: job.opts.priority }),
        removeOnComplete: { age: data.retainSeconds },
        removeOnFail: { age: data.retainSeconds },
      });
    } else {
      const log = await FleetEventLog.begin(this.redis, this.keys.events(jobId), this.keys.attempts(jobId));
      const last = log.previous;
      if (last === undefined || !(last.kind === 'result' || (last.kind === 'failed' && last.final))) {
        const threadId = 'id' in data.thread ? data.thread.id : '(new)';
        await log.flush(
          {
            kind: 'failed',
            seq: log.nextSeq(),
            attempt: log.attempt - 1,
            failure: {
              reason: 'thread-owner-gone',
              message: `worker ${deadId}, which holds thread ${threadId}, died; without a shared CODEX_HOME no other worker can continue it`,
            },
            final: true,
          },
          data.retainSeconds,
        );
      }
    }
    await job.remove().catch(() => undefined);
  }
}
