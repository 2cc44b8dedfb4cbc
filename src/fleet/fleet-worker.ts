import { hostname } from 'node:os';
import type { Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { lastValueFrom, tap, type Subscription } from 'rxjs';
import { Codex } from '../client/codex.js';
import type { CodexConfig } from '../client/codex-config.js';
import { ConnectionLostError } from '../errors/connection-lost-error.js';
import { TransportClosedError } from '../errors/transport-closed-error.js';
import type { Thread } from '../client/thread.js';
import type { ToolSet } from '../client/tool-set.js';
import type { TurnHandle } from '../client/turn-handle.js';
import { toTurnResult } from '../turns/to-turn-result.js';
import type { TurnResult } from '../turns/turn-result.js';
import { FleetEventLog } from './fleet-event-log.js';
import type { FleetFailure } from './fleet-failure.js';
import type { FleetJobData } from './fleet-job-data.js';
import { FleetKeys } from './fleet-keys.js';
import { FleetQueues } from './fleet-queues.js';
import { DEFAULT_FLEET_CONFIG } from './fleet-config.js';
import { DEFAULT_FLEET_WORKER_CONFIG, type FleetWorkerConfig } from './fleet-worker-config.js';
import { loadFleetDependencies, type FleetDependencies } from './load-fleet-dependencies.js';
import { openRedis } from './open-redis.js';
import { loadTelemetry } from '../telemetry/load-telemetry.js';
import { FleetTracing } from '../telemetry/fleet-tracing.js';
import { DeadWorkerSweep } from './dead-worker-sweep.js';
import { validateFleetJob } from './validate-fleet-job.js';

/** A job this worker is running, and why it might have to stop early. */
interface RunningJob {
  turn: TurnHandle | undefined;
  /** The worker is stopping: interrupt the turn and give the job back to the queue. */
  handBack: boolean;
  cancelled: boolean;
}

/**
 * Runs fleet jobs: takes turns from the fleet's queue (and follow-ups on its threads from its
 * own), up to its concurrency, runs each through one `Codex`, and writes every turn event and
 * the result to the job's stream. Jobs of a worker that dies are taken up again by the others
 * (BullMQ's stalled-job check, and a sweep of the dead worker's own queue); `close()` stops
 * gracefully. The `Codex` it creates reconnects (a crashed app-server is relaunched; the worker
 * takes no job meanwhile, and the turns it lost are retried within their attempts); should it give
 * up, the worker stops advertising itself, hands its jobs back and stops (`stopped`).
 *
 * @example
 * const worker = await FleetWorker.start({ redis: 'redis://127.0.0.1:6379', concurrency: 4 });
 * process.once('SIGTERM', () => void worker.close());
 */
export class FleetWorker implements AsyncDisposable {
  /** This worker's id. */
  readonly id: string;
  private readonly running = new Map<string, RunningJob>();
  /** Threads this process started or resumed, so a follow-up needs no `thread/resume`. */
  private readonly loadedThreads = new Set<string>();
  private readonly counters = { completed: 0, failed: 0, retries: 0 };
  private readonly settings: typeof DEFAULT_FLEET_WORKER_CONFIG;
  private workers: Worker[] = [];
  private readonly queues: FleetQueues;
  private heartbeat: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  /** With `telemetry`: each job's spans. */
  private tracing: FleetTracing | undefined;
  /** Counts the app-server's losses: a turn that saw it change lost its server under it. */
  private serverGeneration = 0;
  private serverDown = false;
  /** The pause of the queue workers while the app-server is relaunched, until it has taken effect. */
  private pausing: Promise<unknown> = Promise.resolve();
  /** Why the worker stopped by itself: its app-server is gone for good. */
  private gaveUp: string | undefined;
  private serverWatch: Subscription | undefined;
  private readonly stoppedWith: Promise<string | undefined>;
  private resolveStopped: (reason: string | undefined) => void = () => undefined;

  private constructor(
    private readonly dependencies: FleetDependencies,
    private readonly config: FleetWorkerConfig,
    private readonly keys: FleetKeys,
    private readonly codex: Codex,
    private readonly ownsCodex: boolean,
    private readonly redis: Redis,
    private readonly subscriber: Redis,
  ) {
    this.id = config.id ?? `${hostname()}-${process.pid}`;
    this.queues = new FleetQueues(dependencies, redis, keys.prefix);
    this.settings = {
      concurrency: config.concurrency ?? DEFAULT_FLEET_WORKER_CONFIG.concurrency,
      graceMs: config.graceMs ?? DEFAULT_FLEET_WORKER_CONFIG.graceMs,
      lockDurationMs: config.lockDurationMs ?? DEFAULT_FLEET_WORKER_CONFIG.lockDurationMs,
      stalledIntervalMs: config.stalledIntervalMs ?? DEFAULT_FLEET_WORKER_CONFIG.stalledIntervalMs,
      maxStalledCount: config.maxStalledCount ?? DEFAULT_FLEET_WORKER_CONFIG.maxStalledCount,
      heartbeatMs: config.heartbeatMs ?? DEFAULT_FLEET_WORKER_CONFIG.heartbeatMs,
    } as typeof DEFAULT_FLEET_WORKER_CONFIG;
    this.stoppedWith = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  /**
   * Starts the app-server (unless given a `Codex`), connects to Redis and begins taking jobs.
   * Fails with `FleetDependencyMissingError` without `bullmq`/`ioredis`.
   */
  static async start(config: FleetWorkerConfig): Promise<FleetWorker> {
    const dependencies = await loadFleetDependencies();
    const telemetry = await loadTelemetry(config.telemetry);
    const ownsCodex = !(config.codex instanceof Codex);
    // A worker outlives its app-server: relaunched (or reconnected) by default, not fatal.
    const codexConfig: CodexConfig = { reconnect: true, ...(config.codex instanceof Codex ? {} : config.codex) };
    const codex =
      config.codex instanceof Codex ? config.codex : new Codex(config.telemetry === undefined || codexConfig.telemetry !== undefined ? codexConfig : { ...codexConfig, telemetry: config.telemetry });
    const redis = openRedis(dependencies, config, 'codex-rx worker');
    const subscriber = openRedis(dependencies, config, 'codex-rx worker cancel');
    const worker = new FleetWorker(dependencies, config, new FleetKeys(config), codex, ownsCodex, redis, subscriber);
    worker.tracing = telemetry === undefined ? undefined : new FleetTracing(telemetry);
    try {
      await codex.ready();
      await worker.listen();
    } catch (error) {
      await worker.close();
      throw error;
    }
    return worker;
  }

  /** Turns running now. */
  get runningTurns(): number {
    return this.running.size;
  }

  /**
   * Settles once the worker has stopped: with `undefined` after `close()`, with the reason when it
   * stopped by itself because its app-server is gone for good (the `Codex` gave up reconnecting);
   * its jobs then went back to the queues. A supervisor restarts it.
   */
  get stopped(): Promise<string | undefined> {
    return this.stoppedWith;
  }

  /**
   * Stops gracefully: takes no new jobs, lets running turns finish for up to `graceMs`, then
   * interrupts the rest and hands their jobs back to the queue; closes the `Codex` it created.
   * Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.heartbeat);
      clearInterval(this.sweepTimer);
      this.serverWatch?.unsubscribe();
      // Without an app-server nothing can finish: hand the jobs back at once.
      const stopped = Promise.all(this.workers.map((worker) => worker.close()));
      const grace = setTimeout(() => this.handBackAll(), this.gaveUp === undefined ? this.settings.graceMs : 0);
      try {
        await stopped;
      } finally {
        clearTimeout(grace);
      }
      await this.queues.close();
      // A worker that gave up stays in the set with no heartbeat, as a crashed one does, so that
      // the others hand on what waits in its own queue; one that was closed may come back for it.
      const leave = this.redis.multi();
      if (this.gaveUp === undefined) leave.srem(this.keys.workers, this.id);
      await leave
        .del(this.keys.worker(this.id))
        .exec()
        .catch(() => undefined);
      if (this.ownsCodex) await this.codex.close();
      this.subscriber.disconnect();
      await this.redis.quit().catch(() => undefined);
      this.resolveStopped(this.gaveUp);
    })();
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private async listen(): Promise<void> {
    await this.subscriber.subscribe(this.keys.cancelChannel);
    this.subscriber.on('message', (_channel: string, jobId: string) => this.cancelRunning(jobId));
    this.watchServer();
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat().catch(() => undefined), this.settings.heartbeatMs);
    const sweep = new DeadWorkerSweep(this.redis, this.keys, this.queues, this.id, this.settings.lockDurationMs);
    this.sweepTimer = setInterval(() => void sweep.run().catch(() => undefined), this.settings.stalledIntervalMs);
    for (const queue of [this.keys.queue, this.keys.workerQueue(this.id)]) {
      const worker = new this.dependencies.bullmq.Worker<FleetJobData, TurnResult>(
        queue,
        (job, token) => this.process(job, token),
        {
          connection: this.redis,
          prefix: this.keys.prefix,
          name: this.id,
          concurrency: this.settings.concurrency,
          lockDuration: this.settings.lockDurationMs,
          stalledInterval: this.settings.stalledIntervalMs,
          maxStalledCount: this.settings.maxStalledCount,
        },
      );
      // A job that died with its workers once too often is failed by the stalled check without
      // running here: its stream still needs its final entry.
      worker.on('stalled', (jobId) => void this.finishIfFailed(queue, jobId).catch(() => undefined));
      // Connection errors are retried by the client; they must not crash the process.
      worker.on('error', () => undefined);
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  /**
   * Follows the app-server: while it is being relaunched (or reconnected) the worker takes no
   * job, and turns running then are known to have lost it; when the `Codex` gives up, the worker
   * stops.
   */
  private watchServer(): void {
    this.serverWatch = this.codex.connectionState$.subscribe({
      next: (status) => {
        if (status.state === 'reconnecting' && !this.serverDown) {
          this.serverDown = true;
          this.serverGeneration += 1;
          this.pausing = Promise.all(this.workers.map((worker) => worker.pause(true).catch(() => undefined)));
        } else if (status.state === 'ready' && this.serverDown) {
          this.serverDown = false;
          // A relaunch can be quicker than the pause: resumed before the pause has ended, a worker
          // would stay paused for good.
          void this.pausing.then(() => {
            if (!this.serverDown) for (const worker of this.workers) worker.resume();
          });
        } else if (status.state === 'closed' && this.closing === undefined) {
          this.giveUp(`its app-server is gone: ${status.reason}`);
        }
      },
      error: (error: unknown) => {
        if (this.closing === undefined) this.giveUp(`its app-server is gone: ${messageOf(error)}`);
      },
    });
  }

  private giveUp(reason: string): void {
    this.gaveUp = reason;
    this.serverGeneration += 1;
    void this.close();
  }

  private async process(job: Job<FleetJobData, TurnResult>, token: string | undefined): Promise<TurnResult> {
    const trace = this.tracing?.job(this.config.queue ?? DEFAULT_FLEET_CONFIG.queue, job.id ?? '', job.data.trace, job.timestamp, job.attemptsMade + 1);
    try {
      const result = await this.processJob(job, token, trace?.within);
      trace?.end();
      return result;
    } catch (error) {
      trace?.end(error);
      throw error;
    }
  }

  private async processJob(job: Job<FleetJobData, TurnResult>, token: string | undefined, within: (<T>(start: () => T) => T) | undefined): Promise<TurnResult> {
    const { UnrecoverableError, WaitingError } = this.dependencies.bullmq;
    const jobId = job.id!;
    // Written by any client of the queue: trust nothing of its shape.
    const data = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as FleetJobData;
    const log = await FleetEventLog.begin(this.redis, this.keys.events(jobId), this.keys.attempts(jobId));
    const problem = validateFleetJob({ input: data.input }, this.config.maxInputBytes ?? DEFAULT_FLEET_CONFIG.maxInputBytes);
    if (problem !== undefined || typeof data.retainSeconds !== 'number' || typeof data.thread !== 'object' || data.thread === null) {
      // It can never run: fail it once, for good, and keep none of its (possibly huge) input.
      this.counters.failed += 1;
      const retainSeconds = typeof data.retainSeconds === 'number' ? data.retainSeconds : 3_600;
      await job.updateData({ input: '(removed: invalid)', thread: { start: {} }, retainSeconds }).catch(() => undefined);
      const message = problem?.message ?? 'the job data is not a fleet job (no thread or retainSeconds)';
      await log.flush({ kind: 'failed', seq: log.nextSeq(), attempt: log.attempt, failure: { reason: 'invalid-input', message }, final: true }, retainSeconds);
      throw new UnrecoverableError(message);
    }
    // It ran before and its result is stored: deliver that one, never a second.
    if (log.previous?.kind === 'result') return log.previous.result;
    const attempt = log.attempt;
    const totalAttempts = job.opts.attempts ?? 1;
    const fail = async (failure: FleetFailure, final: boolean): Promise<never> => {
      this.counters.failed += 1;
      await log.flush({ kind: 'failed', seq: log.nextSeq(), attempt, failure, final }, final ? data.retainSeconds : undefined);
      throw final ? new UnrecoverableError(failure.message) : new RecordedFailure(failure.message);
    };
    if ((await this.redis.exists(this.keys.cancelled(jobId))) === 1) return fail({ reason: 'cancelled', message: 'cancelled' }, true);
    if (attempt > 1) this.counters.retries += 1;

    const state: RunningJob = { turn: undefined, handBack: false, cancelled: false };
    this.running.set(jobId, state);
    const generation = this.serverGeneration;
    const serverLost = (error?: unknown) =>
      this.serverGeneration !== generation || error instanceof TransportClosedError || error instanceof ConnectionLostError;
    const lastAttempt = () => job.attemptsMade + 1 >= totalAttempts;
    try {
      let thread: Thread;
      try {
        thread = await this.openThread(data);
      } catch (error) {
        if (this.gaveUp !== undefined) return await this.handBack(job, token, log, attempt);
        if (serverLost(error)) return await fail({ reason: 'app-server-lost', message: `the app-server was lost while opening the thread: ${messageOf(error)}` }, lastAttempt());
        return await fail({ reason: 'thread-owner-gone', message: `cannot open the thread: ${messageOf(error)}` }, lastAttempt());
      }
      log.append({ kind: 'attempt', seq: log.nextSeq(), attempt, workerId: this.id, threadId: thread.id });
      await this.config.onJob?.({ jobId, attempt, threadId: thread.id, input: data.input });
      const startTurn = () => thread.turn(data.input, data.turn ?? {});
      const turn = await (within === undefined ? startTurn() : within(startTurn));
      state.turn = turn;
      if (state.handBack || state.cancelled) void turn.interrupt().catch(() => undefined);
      const result = await lastValueFrom(
        turn.events$.pipe(
          tap((event) => {
            log.append({ kind: 'event', seq: log.nextSeq(), attempt, event });
            // Another worker runs the job now (this one lost its lock): stop, write nothing more.
            if (log.isFenced) void turn.interrupt().catch(() => undefined);
          }),
          toTurnResult({ rejectFailed: false }),
        ),
      );
      if (state.cancelled) return await fail({ reason: 'cancelled', message: 'cancelled while running', result }, true);
      if (state.handBack || this.gaveUp !== undefined) return await this.handBack(job, token, log, attempt);
      if (result.status !== 'completed' && serverLost()) {
        // Its server died under it: the turn ended as the relaunched server stored it. Not the
        // turn's fault, yet it spends an attempt, so that a job that kills its server ends.
        return await fail({ reason: 'app-server-lost', message: `the app-server of worker ${this.id} was lost during the turn (it ended ${result.status})`, result }, lastAttempt());
      }
      if (result.status === 'failed') {
        return await fail({ reason: 'turn-failed', message: result.error?.message ?? 'the turn failed', result }, lastAttempt());
      }
      if (result.status === 'interrupted' && !log.isFenced) {
        return await fail({ reason: 'error', message: 'the turn was interrupted by another client of its app-server', result }, lastAttempt());
      }
      if (!(await log.flush({ kind: 'result', seq: log.nextSeq(), attempt, result }, data.retainSeconds))) {
        throw new RecordedFailure(`attempt ${attempt} was superseded by a later one`);
      }
      this.counters.completed += 1;
      return result;
    } catch (error) {
      if (error instanceof UnrecoverableError || error instanceof WaitingError || error instanceof RecordedFailure) throw error;
      if (this.gaveUp !== undefined) return await this.handBack(job, token, log, attempt);
      if (serverLost(error)) return await fail({ reason: 'app-server-lost', message: messageOf(error) }, lastAttempt());
      return await fail({ reason: 'error', message: messageOf(error) }, lastAttempt());
    } finally {
      this.running.delete(jobId);
    }
  }

  /** Back to its queue without spending an attempt: this worker is stopping; another runs it again. */
  private async handBack(job: Job<FleetJobData, TurnResult>, token: string | undefined, log: FleetEventLog, attempt: number): Promise<never> {
    const why = this.gaveUp ?? 'it stopped';
    await log.flush({ kind: 'failed', seq: log.nextSeq(), attempt, failure: { reason: 'error', message: `worker ${this.id} stopped (${why}); the job goes back to the queue` }, final: false });
    await job.moveToWait(token);
    throw new this.dependencies.bullmq.WaitingError();
  }

  private async openThread(data: FleetJobData): Promise<Thread> {
    if ('start' in data.thread) {
      const { tools, ...start } = data.thread.start;
      const thread = await this.codex.threadStart(tools === undefined ? start : { ...start, tools: this.namedTools(tools) });
      await this.holdThread(thread.id, data.retainSeconds);
      return thread;
    }
    const threadId = data.thread.id;
    // Not loaded in this process: a restarted worker's own thread, or one from a shared CODEX_HOME.
    const tools = this.workerTools;
    const thread = this.loadedThreads.has(threadId)
      ? await this.codex.thread(threadId)
      : await this.codex.threadResume(threadId, tools.length === 0 ? {} : { tools });
    await this.holdThread(threadId, data.retainSeconds);
    return thread;
  }

  /** The worker's tools of those names; a name it lacks fails the job (it cannot open its thread). */
  private namedTools(names: readonly string[]): ToolSet {
    return names.map((name) => {
      const found = this.workerTools.find((entry) => entry.name === name);
      if (found === undefined) throw new TypeError(`worker ${this.id} has no tool named ${JSON.stringify(name)}`);
      return found;
    });
  }

  private get workerTools(): ToolSet {
    return this.config.tools ?? [];
  }

  private async holdThread(threadId: string, retainSeconds: number): Promise<void> {
    this.loadedThreads.add(threadId);
    await this.redis.set(this.keys.threadOwner(threadId), this.id, 'EX', retainSeconds);
  }

  private cancelRunning(jobId: string): void {
    const state = this.running.get(jobId);
    if (state === undefined) return;
    state.cancelled = true;
    void state.turn?.interrupt().catch(() => undefined);
  }

  private handBackAll(): void {
    for (const state of this.running.values()) {
      state.handBack = true;
      void state.turn?.interrupt().catch(() => undefined);
    }
  }

  private async beat(): Promise<void> {
    const key = this.keys.worker(this.id);
    await this.redis
      .multi()
      .sadd(this.keys.workers, this.id)
      .hset(key, {
        running: this.running.size,
        concurrency: this.settings.concurrency,
        completed: this.counters.completed,
        failed: this.counters.failed,
        retries: this.counters.retries,
      })
      .pexpire(key, this.settings.heartbeatMs * 3)
      .exec();
  }



  private async finishIfFailed(queue: string, jobId: string): Promise<void> {
    const job = await this.dependencies.bullmq.Job.fromId<FleetJobData, TurnResult>(this.queues.get(queue), jobId);
    if (job === undefined || (await job.getState()) !== 'failed') return;
    const log = await FleetEventLog.begin(this.redis, this.keys.events(jobId), this.keys.attempts(jobId));
    const last = log.previous;
    if (last !== undefined && (last.kind === 'result' || (last.kind === 'failed' && last.final))) return;
    await log.flush(
      { kind: 'failed', seq: log.nextSeq(), attempt: log.attempt - 1, failure: { reason: 'worker-lost', message: `its workers died too often (${job.failedReason || 'stalled'})` }, final: true },
      job.data.retainSeconds,
    );
  }
}

/** An attempt's failure that is already in the job's stream. */
class RecordedFailure extends Error {}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
