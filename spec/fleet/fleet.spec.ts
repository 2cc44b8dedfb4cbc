import { Queue } from 'bullmq';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { filter, firstValueFrom, lastValueFrom, take, tap, toArray } from 'rxjs';
import {
  FleetJobFailedError,
  FleetProducer,
  ThreadOwnerGoneError,
  type FleetEvent,
  type FleetJobHandle,
} from '../../src/fleet/index.js';
import type { TurnResult } from '../../src/turns/turn-result.js';
import { RedisServer } from './support/redis-server.js';
import { WorkerProcess } from './support/worker-process.js';

const JOBS = 300;
/** Jobs of the SIGKILL and Redis-restart runs: as many as the plain run. */
const FAULT_JOBS = JOBS;
const DELTAS = 20;

/** A prompt of `DELTAS` words: the scripted worker streams each word back as one delta. */
function promptOf(name: string): string {
  return Array.from({ length: DELTAS }, (_, index) => `${name}w${index}`).join(' ');
}

interface Outcome {
  readonly handle: FleetJobHandle;
  readonly prompt: string;
  readonly entries: readonly FleetEvent[];
  readonly results: readonly TurnResult[];
}

/**
 * Submits one job per prompt and follows each: every stream entry, and every result emitted.
 * `watch` sees each entry as it arrives, with the number of jobs finished so far.
 */
async function runAll(producer: FleetProducer, prompts: readonly string[], watch?: (jobId: string, entry: FleetEvent, finished: number) => void): Promise<Outcome[]> {
  const handles = await Promise.all(prompts.map((input) => producer.submit({ input })));
  let finished = 0;
  return Promise.all(
    handles.map(async (handle, index) => {
      const [entries, results] = await Promise.all([
        lastValueFrom(handle.events$.pipe(tap((entry) => watch?.(handle.id, entry, finished)), toArray())),
        lastValueFrom(handle.result$.pipe(toArray())),
      ]);
      finished += 1;
      return { handle, prompt: prompts[index]!, entries, results };
    }),
  );
}

/** Every check of "complete, in order, exactly once" on one job, against the raw stream too. */
async function expectCompleteAndOnce(redis: Redis, queue: string, outcome: Outcome): Promise<void> {
  const { entries, results, prompt, handle } = outcome;
  expect(results, handle.id).to.have.length(1);
  expect(results[0]!.status).to.equal('completed');
  expect(results[0]!.finalResponse).to.equal(prompt);
  expect(entries.map((entry) => entry.seq)).to.deep.equal(entries.map((_, index) => index));
  const lastAttempt = entries.at(-1)!.attempt;
  const run = entries.filter((entry) => entry.attempt === lastAttempt);
  expect(run[0]!.kind).to.equal('attempt');
  const events = run.flatMap((entry) => (entry.kind === 'event' ? [entry.event] : []));
  expect(events[0]!.method).to.equal('turn/started');
  expect(events.at(-1)!.method).to.equal('turn/completed');
  const deltas = events.flatMap((event) => (event.method === 'item/agentMessage/delta' ? [event.params.delta] : []));
  expect(deltas).to.have.length(DELTAS);
  expect(deltas.join('')).to.equal(prompt);
  expect(run.at(-1)!.kind).to.equal('result');
  // The stream as stored, not as the producer de-duplicated it: one result, ever. (A write that
  // Redis took just before a restart may be stored twice when the client sends it again; it
  // keeps its seq, which is what readers de-duplicate by.)
  const raw = await redis.xrange(`codex-rx:${queue}:events:${handle.id}`, '-', '+');
  const stored = raw.map(([, fields]) => JSON.parse(fields[1]!) as FleetEvent);
  const resultSeqs = new Set(stored.filter((entry) => entry.kind === 'result').map((entry) => entry.seq));
  expect([...resultSeqs], handle.id).to.have.length(1);
}

function attemptsOf(outcome: Outcome): Array<Extract<FleetEvent, { kind: 'attempt' }>> {
  return outcome.entries.filter((entry): entry is Extract<FleetEvent, { kind: 'attempt' }> => entry.kind === 'attempt');
}

/** Whether a process still runs; a zombie (exited, waiting for its parent to reap it) does not. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The processes among `pids` that still run, with their command lines, so a failure says what was left. */
function survivors(pids: readonly number[]): string[] {
  return pids.filter(isAlive).map((pid) => {
    try {
      return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').slice(0, 120)}`;
    } catch {
      return String(pid);
    }
  });
}

describe('codex-rx/fleet: real redis-server, worker processes with real app-servers', function () {
  this.timeout(300_000);
  const queue = 'spec';
  let redisServer: RedisServer;
  let redis: Redis;
  let producer: FleetProducer;
  const workers: WorkerProcess[] = [];
  const orphans: number[] = [];
  // The workers' temporary directories, removed at the end: killed workers leave theirs behind.
  const workerTmp = mkdtempSync(join(tmpdir(), 'codex-rx-fleet-'));

  const startWorker = async (id: string, options: { queue?: string; graceMs?: number; concurrency?: number; scriptedWordMs?: number } = {}) => {
    const worker = await WorkerProcess.start({ redis: redisServer.url, queue: options.queue ?? queue, id, tmpDir: workerTmp, ...options });
    workers.push(worker);
    return worker;
  };

  before(async function () {
    this.timeout(120_000);
    redisServer = await RedisServer.start();
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined); // reconnects after the Redis restart
    producer = await FleetProducer.connect({ redis: redisServer.url, queue });
    await Promise.all(['w1', 'w2', 'w3'].map((id) => startWorker(id)));
  });

  after(async function () {
    this.timeout(60_000);
    for (const worker of workers) orphans.push(...worker.kill());
    await Promise.all(workers.map((worker) => worker.done.catch(() => undefined)));
    for (const pid of orphans) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await producer?.close();
    redis?.disconnect();
    await redisServer?.dispose();
    rmSync(workerTmp, { recursive: true, force: true });
  });

  it(`3 workers, ${JOBS} jobs of one ${DELTAS}-delta turn: every result correct and once, every stream complete and in order`, async () => {
    const outcomes = await runAll(producer, Array.from({ length: JOBS }, (_, index) => promptOf(`a${index}`)));
    for (const outcome of outcomes) await expectCompleteAndOnce(redis, queue, outcome);
    const byWorker = new Set(outcomes.map((outcome) => attemptsOf(outcome).at(-1)!.workerId));
    expect([...byWorker].sort()).to.deep.equal(['w1', 'w2', 'w3']);
  });

  it('a job submitted twice under one key runs once; a second subscriber replays its stream from the start', async () => {
    const input = promptOf('key');
    const first = await producer.submit({ input, key: 'same-key' });
    const result = await first.result();
    const second = await producer.submit({ input, key: 'same-key' });
    expect(second.id).to.equal(first.id);
    expect(await second.result()).to.deep.equal(result);
    const replay = await lastValueFrom(producer.events$(first.id).pipe(toArray()));
    expect(replay[0]!.seq).to.equal(0);
    expect(replay.filter((entry) => entry.kind === 'attempt')).to.have.length(1);
  });

  it('a follow-up turn lands on the worker that holds its thread', async () => {
    const first = await producer.submit({ input: promptOf('thread') });
    const result = await first.result();
    const holder = (await firstValueFrom(first.events$.pipe(filter((entry) => entry.kind === 'attempt')))) as Extract<FleetEvent, { kind: 'attempt' }>;
    for (let turn = 0; turn < 3; turn += 1) {
      const followUp = await producer.submit({ input: promptOf(`follow${turn}`), thread: result.threadId });
      const followResult = await followUp.result();
      expect(followResult.threadId).to.equal(result.threadId);
      expect(followResult.finalResponse).to.equal(promptOf(`follow${turn}`));
      const attempt = (await firstValueFrom(followUp.events$.pipe(filter((entry) => entry.kind === 'attempt')))) as Extract<FleetEvent, { kind: 'attempt' }>;
      expect(attempt.workerId).to.equal(holder.workerId);
    }
  });

  it('a poisoned job (its turn fails every time) ends after its attempts with a typed failure', async () => {
    const job = await producer.submit({ input: 'fail: this turn always fails', attempts: 2 });
    const error = await job.result().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).to.be.instanceOf(FleetJobFailedError);
    expect((error as FleetJobFailedError).reason).to.equal('turn-failed');
    expect((error as FleetJobFailedError).attempts).to.equal(2);
    expect((error as FleetJobFailedError).result?.status).to.equal('failed');
    const entries = await lastValueFrom(job.events$.pipe(toArray()));
    expect(entries.filter((entry) => entry.kind === 'attempt').map((entry) => entry.attempt)).to.deep.equal([1, 2]);
  });

  it('cancelling interrupts the turn where it runs; so does unsubscribing from an owning stream', async () => {
    const job = await producer.submit({ input: 'hang: until cancelled' });
    await firstValueFrom(job.events$.pipe(filter((entry) => entry.kind === 'event' && entry.event.method === 'item/agentMessage/delta')));
    await job.cancel();
    const error = (await job.result().catch((failure: unknown) => failure)) as FleetJobFailedError;
    expect(error).to.be.instanceOf(FleetJobFailedError);
    expect(error.reason).to.equal('cancelled');
    expect(error.result?.status).to.equal('interrupted');

    await firstValueFrom(
      producer.run$({ input: 'hang: owned by its stream', key: 'owned-hang' }).pipe(
        filter((entry) => entry.kind === 'event' && entry.event.method === 'item/agentMessage/delta'),
        take(1),
      ),
    );
    const owned = (await producer.handle('owned-hang').result().catch((failure: unknown) => failure)) as FleetJobFailedError;
    expect(owned).to.be.instanceOf(FleetJobFailedError);
    expect(owned.reason).to.equal('cancelled');
  });

  it('SIGTERM: running turns finish within the grace period; no app-server is left behind', async () => {
    const w3 = workers.find((worker) => worker.id === 'w3')!;
    const appServers = w3.descendants();
    expect(appServers).to.not.be.empty;
    const handles = await Promise.all(Array.from({ length: 24 }, (_, index) => producer.submit({ input: promptOf(`t${index}`) })));
    // Wait until w3 is running one of them.
    await Promise.any(
      handles.map((handle) =>
        firstValueFrom(handle.events$.pipe(filter((entry) => entry.kind === 'attempt' && entry.workerId === 'w3'))),
      ),
    );
    const exit = await w3.terminate();
    expect(exit.code).to.equal(0);
    expect(exit.stdout).to.match(/stopping \(SIGTERM\): [1-9]\d* turns running/);
    expect(survivors(appServers)).to.deep.equal([]);
    const results = await Promise.all(handles.map((handle) => handle.result()));
    results.forEach((result, index) => expect(result.finalResponse).to.equal(promptOf(`t${index}`)));
    workers.splice(workers.indexOf(w3), 1);
  });

  it('SIGTERM past the grace period: the running turn is interrupted and its job handed back to the queue', async () => {
    const lone = await startWorker('lone', { queue: 'handback', graceMs: 500, concurrency: 1 });
    const handback = await FleetProducer.connect({ redis: redisServer.url, queue: 'handback' });
    try {
      const job = await handback.submit({ input: 'hang: longer than the grace period' });
      await firstValueFrom(job.events$.pipe(filter((entry) => entry.kind === 'event' && entry.event.method === 'item/agentMessage/delta')));
      const appServers = lone.descendants();
      const exit = await lone.terminate();
      expect(exit.code).to.equal(0);
      expect(survivors(appServers)).to.deep.equal([]);
      const bull = new Queue('handback', { connection: redis, prefix: 'codex-rx' });
      expect(await (await bull.getJob(job.id))!.getState()).to.equal('waiting');
      await bull.close();
      await job.cancel();
      const error = (await job.result().catch((failure: unknown) => failure)) as FleetJobFailedError;
      expect(error.reason).to.equal('cancelled');
      const entries = await lastValueFrom(job.events$.pipe(toArray()));
      expect(entries.some((entry) => entry.kind === 'failed' && !entry.final && /goes back to the queue/.test(entry.failure.message))).to.equal(true);
    } finally {
      await handback.close();
      workers.splice(workers.indexOf(lone), 1);
    }
  });

  it('a follow-up on a thread whose worker is gone fails with ThreadOwnerGoneError (no shared CODEX_HOME)', async () => {
    // w3 has stopped: find a thread it held.
    const threadId = await redis.keys(`codex-rx:${queue}:thread:*`).then(async (keys) => {
      for (const key of keys) if ((await redis.get(key)) === 'w3') return key.split(':').at(-1)!;
      return undefined;
    });
    expect(threadId).to.be.a('string');
    const error = await producer.submit({ input: 'more', thread: threadId! }).catch((failure: unknown) => failure);
    expect(error).to.be.instanceOf(ThreadOwnerGoneError);
  });

  it(`SIGKILL one worker while its jobs stream: all ${FAULT_JOBS} still complete, each result exactly once`, async () => {
    await startWorker('w4');
    // The worker to kill streams slowly (a turn lasts about 3 s), so a delta seen from it means
    // a turn still running there, however late the producer reads its stream on a busy machine.
    const victim = await startWorker('w5', { scriptedWordMs: 150 });
    const attemptWorker = new Map<string, string>();
    let killed = false;
    // Killed once 30 jobs are done and the victim is streaming a turn (an attempt of its own has deltas).
    const streamingOnVictim = new Set<string>();
    const outcomes = await runAll(producer, Array.from({ length: FAULT_JOBS }, (_, index) => promptOf(`k${index}`)), (jobId, entry, finished) => {
      if (entry.kind === 'attempt' && entry.workerId !== victim.id) streamingOnVictim.delete(jobId);
      if (entry.kind === 'event' && entry.event.method === 'item/agentMessage/delta' && attemptWorker.get(jobId) === victim.id) streamingOnVictim.add(jobId);
      if (entry.kind === 'attempt') attemptWorker.set(jobId, entry.workerId);
      if (entry.kind === 'result') streamingOnVictim.delete(jobId);
      if (!killed && finished >= 30 && streamingOnVictim.size > 0) {
        killed = true;
        orphans.push(...victim.kill());
      }
    });
    expect(killed).to.equal(true);
    for (const outcome of outcomes) await expectCompleteAndOnce(redis, queue, outcome);
    const restarted = outcomes.filter((outcome) => {
      const attempts = attemptsOf(outcome);
      return attempts.length > 1 && attempts[0]!.workerId === victim.id && attempts.at(-1)!.workerId !== victim.id;
    });
    const summary = outcomes.map((outcome) => attemptsOf(outcome).map((attempt) => attempt.workerId).join('>'));
    const counts = summary.reduce<Record<string, number>>((all, path) => ({ ...all, [path]: (all[path] ?? 0) + 1 }), {});
    expect(restarted, `jobs of the killed worker restarted elsewhere; attempts seen: ${JSON.stringify(counts)}`).to.not.be.empty;
    workers.splice(workers.indexOf(victim), 1);
  });

  it(`Redis restarted mid-run (appendonly on): all ${FAULT_JOBS} jobs complete`, async () => {
    let restarted: Promise<void> | undefined;
    const outcomes = await runAll(producer, Array.from({ length: FAULT_JOBS }, (_, index) => promptOf(`r${index}`)), (_jobId, _entry, finished) => {
      if (finished >= 30) restarted ??= redisServer.restart();
    });
    expect(restarted).to.not.equal(undefined);
    await restarted;
    for (const outcome of outcomes) await expectCompleteAndOnce(redis, queue, outcome);
  });
});
