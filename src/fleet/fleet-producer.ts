import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { defer, exhaustMap, filter, finalize, from, map, Observable, ReplaySubject, share, take, tap, timer } from 'rxjs';
import type { TurnResult } from '../turns/turn-result.js';
import { DEFAULT_FLEET_PRODUCER_CONFIG, type FleetProducerConfig } from './fleet-producer-config.js';
import { DEFAULT_FLEET_CONFIG } from './fleet-config.js';
import type { FleetEvent } from './fleet-event.js';
import type { FleetFailure } from './fleet-failure.js';
import type { FleetJob } from './fleet-job.js';
import type { FleetJobData } from './fleet-job-data.js';
import { loadTelemetry } from '../telemetry/load-telemetry.js';
import { FleetTracing, type TraceCarrier } from '../telemetry/fleet-tracing.js';
import { FleetJobFailedError } from './fleet-job-failed-error.js';
import { FleetEventLog } from './fleet-event-log.js';
import { FleetJobHandle } from './fleet-job-handle.js';
import { FleetKeys } from './fleet-keys.js';
import { FleetQueues } from './fleet-queues.js';
import type { FleetMetrics } from './fleet-metrics.js';
import { FleetStreamReader } from './fleet-stream-reader.js';
import type { FleetWorkerMetrics } from './fleet-worker-metrics.js';
import { isFinalFleetEvent } from './is-final-fleet-event.js';
import { loadFleetDependencies, type FleetDependencies } from './load-fleet-dependencies.js';
import { openRedis } from './open-redis.js';
import { ThreadOwnerGoneError } from './thread-owner-gone-error.js';
import { pickDefined } from '../internal/pick-defined.js';
import { validateFleetJob } from './validate-fleet-job.js';

/**
 * Puts turns on a fleet of workers and follows them: each job is a durable BullMQ job, its
 * events a Redis Stream that any number of subscribers replay from the start, its result
 * delivered once however often it ran. Many producers may share a fleet.
 *
 * @example
 * await using producer = await FleetProducer.connect({ redis: 'redis://127.0.0.1:6379' });
 * const job = await producer.submit({ input: 'Review the diff', thread: { cwd: '/srv/repo' }, key: 'review-42' });
 * job.events$.pipe(fleetTurnEvents(), agentTextDeltas()).subscribe((text) => process.stdout.write(text));
 * const result = await job.result();
 * const followUp = await producer.submit({ input: 'Now fix it', thread: result.threadId });
 */
export class FleetProducer implements AsyncDisposable {
  private readonly shared = new Map<string, Observable<FleetEvent>>();
  private readonly queues: FleetQueues;
  private closing: Promise<void> | undefined;
  /** With `telemetry`: the submit spans. */
  private tracing: FleetTracing | undefined;

  private constructor(
    private readonly dependencies: FleetDependencies,
    private readonly config: FleetProducerConfig,
    private readonly keys: FleetKeys,
    private readonly redis: Redis,
    private readonly reader: FleetStreamReader,
    private readonly blocking: Redis,
  ) {
    this.queues = new FleetQueues(dependencies, redis, keys.prefix);
  }

  /** Connects to the fleet's Redis. Fails with `FleetDependencyMissingError` without `bullmq`/`ioredis`. */
  static async connect(config: FleetProducerConfig): Promise<FleetProducer> {
    const dependencies = await loadFleetDependencies();
    const telemetry = await loadTelemetry(config.telemetry);
    const redis = openRedis(dependencies, config, 'codex-rx producer');
    const blocking = openRedis(dependencies, config, 'codex-rx producer reader');
    const producer = new FleetProducer(dependencies, config, new FleetKeys(config), redis, new FleetStreamReader(blocking, redis), blocking);
    producer.tracing = telemetry === undefined ? undefined : new FleetTracing(telemetry);
    return producer;
  }

  /**
   * Submits a job, or finds the job already submitted under the same `key`. A job on a thread
   * goes to the worker that holds the thread; when that worker is gone it goes to any worker if
   * the workers share a `CODEX_HOME` (`sharedCodexHome`), else this rejects with `ThreadOwnerGoneError`.
   * A job that can never run (an empty or malformed key, an input that is not one, or larger than
   * `maxInputBytes`) rejects with `InvalidFleetJobError` and nothing reaches Redis.
   */
  async submit(job: FleetJob): Promise<FleetJobHandle> {
    const problem = validateFleetJob(job, this.config.maxInputBytes ?? DEFAULT_FLEET_CONFIG.maxInputBytes);
    if (problem !== undefined) throw problem;
    const id = job.key ?? randomUUID();
    const span = this.tracing?.submit(this.config.queue ?? DEFAULT_FLEET_CONFIG.queue);
    span?.span.setAttribute('messaging.message.id', id);
    try {
      const handle = await this.enqueue(id, job, span?.carrier);
      span?.end();
      return handle;
    } catch (error) {
      span?.end(error);
      throw error;
    }
  }

  private async enqueue(id: string, job: FleetJob, trace: TraceCarrier | undefined): Promise<FleetJobHandle> {
    const retainSeconds = this.config.retainSeconds ?? DEFAULT_FLEET_PRODUCER_CONFIG.retainSeconds;
    const thread = job.thread;
    const sharedCodexHome = this.config.sharedCodexHome ?? DEFAULT_FLEET_PRODUCER_CONFIG.sharedCodexHome;
    const data: FleetJobData = {
      input: job.input,
      thread: typeof thread === 'string' ? { id: thread } : { start: thread ?? {} },
      ...pickDefined(job, ['turn']),
      retainSeconds,
      ...(trace === undefined ? {} : { trace }),
      ...(sharedCodexHome && typeof thread === 'string' ? { sharedCodexHome } : {}),
    };
    const queue = this.queues.get(typeof thread === 'string' ? await this.route(thread) : this.keys.queue);
    await queue.add('turn', data, {
      jobId: id,
      attempts: job.attempts ?? DEFAULT_FLEET_PRODUCER_CONFIG.attempts,
      ...pickDefined(job, ['priority']),
      removeOnComplete: { age: retainSeconds },
      removeOnFail: { age: retainSeconds },
    });
    return this.handle(id);
  }

  /**
   * Submits the job when subscribed and streams its events; unsubscribing before the final
   * entry cancels the job wherever it runs. The stream owns the job, as `thread.run$` owns its turn.
   */
  run$(job: FleetJob): Observable<FleetEvent> {
    return new Observable<FleetEvent>((subscriber) => {
      let finished = false;
      const submitted = this.submit(job);
      const inner = from(submitted)
        .pipe(
          exhaustMap((handle) => handle.events$),
          tap((entry) => (finished ||= isFinalFleetEvent(entry))),
        )
        .subscribe({
          next: (entry) => subscriber.next(entry),
          error: (error: unknown) => {
            finished = true;
            subscriber.error(error);
          },
          complete: () => subscriber.complete(),
        });
      return () => {
        inner.unsubscribe();
        if (!finished) void submitted.then((handle) => handle.cancel()).catch(() => undefined);
      };
    });
  }

  /** A handle on a job by id (the id is not checked). */
  handle(jobId: string): FleetJobHandle {
    return new FleetJobHandle(jobId, this.events$(jobId), this.result$(jobId), () => this.cancel(jobId));
  }

  /**
   * A job's event stream from its start, live until its final entry. Subscribers of one job in
   * this producer share one read of the stream; each still gets every entry from the first.
   */
  events$(jobId: string): Observable<FleetEvent> {
    return defer(() => {
      let events$ = this.shared.get(jobId);
      if (events$ === undefined) {
        const shared$: Observable<FleetEvent> = this.reader.read$(this.keys.events(jobId)).pipe(
          // Forgotten once the read has ended or nobody follows it, so that a later subscriber
          // reads the stream again rather than an emptied replay.
          finalize(() => {
            if (this.shared.get(jobId) === shared$) this.shared.delete(jobId);
          }),
          share({ connector: () => new ReplaySubject<FleetEvent>(), resetOnRefCountZero: true, resetOnComplete: true, resetOnError: true }),
        );
        this.shared.set(jobId, shared$);
        events$ = shared$;
      }
      return events$;
    });
  }

  /** The job's result, once: errors with `FleetJobFailedError` when it failed for good. */
  result$(jobId: string): Observable<TurnResult> {
    return this.events$(jobId).pipe(
      filter(isFinalFleetEvent),
      take(1),
      map((entry) => {
        if (entry.kind === 'result') return entry.result;
        if (entry.kind === 'failed') throw new FleetJobFailedError(jobId, entry.failure, entry.attempt);
        throw new Error(`unexpected final entry ${entry.kind}`);
      }),
    );
  }

  /** Cancels a job: removed if still waiting, else its turn is interrupted where it runs. It fails with reason `cancelled`. */
  async cancel(jobId: string): Promise<void> {
    const retainSeconds = this.config.retainSeconds ?? DEFAULT_FLEET_PRODUCER_CONFIG.retainSeconds;
    await this.redis.set(this.keys.cancelled(jobId), '1', 'EX', retainSeconds);
    await this.redis.publish(this.keys.cancelChannel, jobId);
    for (const queue of new Set([this.queues.get(this.keys.queue), ...this.queues.all()])) {
      const job = await queue.getJob(jobId);
      if (job === undefined) continue;
      const state = await job.getState();
      if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') continue;
      const removed = await job.remove().then(
        () => true,
        () => false, // taken by a worker meanwhile: the worker sees the mark
      );
      if (removed) await this.publishCancelled(jobId, retainSeconds);
      return;
    }
  }

  /** Snapshots of the fleet every `intervalMs` (default 1 s), the first at once. */
  metrics$(intervalMs = 1_000): Observable<FleetMetrics> {
    return timer(0, intervalMs).pipe(exhaustMap(() => from(this.readMetrics())));
  }

  /** Closes the producer's connections. Jobs keep running. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.reader.close();
      await this.queues.close();
      this.blocking.disconnect();
      await this.redis.quit().catch(() => undefined);
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }



  private async route(threadId: string): Promise<string> {
    const owner = await this.redis.get(this.keys.threadOwner(threadId));
    if (owner !== null && (await this.redis.exists(this.keys.worker(owner))) === 1) return this.keys.workerQueue(owner);
    if (this.config.sharedCodexHome ?? DEFAULT_FLEET_PRODUCER_CONFIG.sharedCodexHome) return this.keys.queue;
    throw new ThreadOwnerGoneError(threadId, owner ?? undefined);
  }

  private async publishCancelled(jobId: string, retainSeconds: number): Promise<void> {
    const log = await FleetEventLog.begin(this.redis, this.keys.events(jobId), this.keys.attempts(jobId));
    const failure: FleetFailure = { reason: 'cancelled', message: 'cancelled before it started' };
    await log.flush({ kind: 'failed', seq: log.nextSeq(), attempt: log.attempt - 1, failure, final: true }, retainSeconds);
  }

  private async readMetrics(): Promise<FleetMetrics> {
    const counts = await this.queues.get(this.keys.queue).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
    const ids = await this.redis.smembers(this.keys.workers);
    const hashes = await Promise.all(ids.map((id) => this.redis.hgetall(this.keys.worker(id))));
    const workers: FleetWorkerMetrics[] = [];
    hashes.forEach((hash, index) => {
      if (hash['concurrency'] === undefined) return; // expired: the worker is gone
      workers.push({
        id: ids[index]!,
        running: Number(hash['running'] ?? 0),
        concurrency: Number(hash['concurrency']),
        completed: Number(hash['completed'] ?? 0),
        failed: Number(hash['failed'] ?? 0),
        retries: Number(hash['retries'] ?? 0),
      });
    });
    return {
      at: Date.now(),
      waiting: (counts['waiting'] ?? 0) + (counts['prioritized'] ?? 0),
      active: counts['active'] ?? 0,
      delayed: counts['delayed'] ?? 0,
      completed: counts['completed'] ?? 0,
      failed: counts['failed'] ?? 0,
      retries: workers.reduce((sum, worker) => sum + worker.retries, 0),
      workers,
    };
  }
}
