import { Queue } from 'bullmq';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { filter, firstValueFrom, lastValueFrom, tap, timeout, toArray } from 'rxjs';
import { FleetJobFailedError, FleetProducer, type FleetEvent, type FleetJobHandle } from '../../src/fleet/index.js';
import { RedisServer } from './support/redis-server.js';
import { WorkerProcess } from './support/worker-process.js';

/**
 * The fleet's faults at every phase of a job, against a real redis-server and worker processes
 * with real app-servers on one shared CODEX_HOME. Periods are short (lock 4 s, stalled check and
 * dead-worker sweep every 1 s) so that each fault resolves within seconds; the heartbeat stays at
 * 1 s, so that a worker slowed down by a busy machine does not look dead.
 */
const WORKER_TIMING = { lockMs: 4_000, stalledIntervalMs: 1_000, heartbeatMs: 1_000, graceMs: 15_000, concurrency: 2 } as const;
/** The scripted model's pause between two words: a turn of `WORDS` words streams for about 1 s. */
const WORD_MS = 120;
const WORDS = 8;

const FAULTS = ['SIGKILL worker', 'SIGKILL app-server', 'SIGTERM worker', 'Redis restart'] as const;
const PHASES = ['queued', 'started', 'streaming', 'finishing', 'follow-up on a held thread', 'follow-up on a shared home'] as const;
type Fault = (typeof FAULTS)[number];
type Phase = (typeof PHASES)[number];

/**
 * What each case must end with: the result, once, or a typed failure that says why. A follow-up
 * whose holder crashed, without a shared home, cannot continue anywhere: `thread-owner-gone`.
 */
function expected(fault: Fault, phase: Phase): string {
  return fault === 'SIGKILL worker' && phase === 'follow-up on a held thread' ? 'failed: thread-owner-gone' : 'result';
}

function promptOf(name: string, words = WORDS): string {
  return Array.from({ length: words }, (_, index) => `${name}w${index}`).join(' ');
}

function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** A job's outcome as one word, and every entry its stream held. */
async function outcomeOf(job: FleetJobHandle, withinMs: number): Promise<{ outcome: string; entries: FleetEvent[] }> {
  const [entries, outcome] = await Promise.all([
    lastValueFrom(job.events$.pipe(timeout(withinMs), toArray())),
    job.result().then(
      () => 'result',
      (error: unknown) => (error instanceof FleetJobFailedError ? `failed: ${error.reason}` : `error: ${String(error)}`),
    ),
  ]);
  return { outcome, entries };
}

describe('codex-rx/fleet faults: real redis-server, worker processes with real app-servers on one CODEX_HOME', function () {
  this.timeout(120_000);
  const queue = 'faults';
  let redisServer: RedisServer;
  let redis: Redis;
  let held: FleetProducer;
  let shared: FleetProducer;
  let bull: Queue;
  let bullConnection: Redis;
  const live: WorkerProcess[] = [];
  const gone: WorkerProcess[] = [];
  const orphans: number[] = [];
  const pending: Array<Promise<unknown>> = [];
  const tmp = mkdtempSync(join(tmpdir(), 'codex-rx-faults-'));
  const home = mkdtempSync(join(tmpdir(), 'codex-rx-faults-home-'));
  let nextWorker = 0;
  const table: string[] = [];

  const startWorker = async (options: { wordMs?: number; concurrency?: number } = {}) => {
    const worker = await WorkerProcess.start({
      redis: redisServer.url,
      queue,
      id: `f${++nextWorker}`,
      tmpDir: tmp,
      codexHome: home,
      scriptedWordMs: options.wordMs ?? WORD_MS,
      ...WORKER_TIMING,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    });
    live.push(worker);
    return worker;
  };
  const retire = (worker: WorkerProcess) => {
    live.splice(live.indexOf(worker), 1);
    gone.push(worker);
  };
  /** Two workers up before each case; a replacement for one that a fault took is started at once. */
  const ensureWorkers = async () => {
    await Promise.all(pending.splice(0));
    while (live.length < 2) await startWorker();
  };

  before(async function () {
    this.timeout(180_000);
    redisServer = await RedisServer.start();
    redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    held = await FleetProducer.connect({ redis: redisServer.url, queue });
    shared = await FleetProducer.connect({ redis: redisServer.url, queue, sharedCodexHome: true });
    bullConnection = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    bullConnection.on('error', () => undefined);
    bull = new Queue(queue, { connection: bullConnection, prefix: 'codex-rx' });
    bull.on('error', () => undefined);
    await Promise.all([startWorker(), startWorker()]);
  });

  after(async function () {
    this.timeout(60_000);
    // The table in docs/scaling.md comes from here: FLEET_MATRIX_TABLE=1 prints it.
    if (process.env['FLEET_MATRIX_TABLE'] !== undefined && table.length > 0) console.log(['', '| fault | phase | outcome | attempts |', '| --- | --- | --- | --- |', ...table].join('\n'));
    await Promise.allSettled(pending);
    for (const worker of [...live, ...gone]) orphans.push(...worker.kill());
    await Promise.all([...live, ...gone].map((worker) => worker.done.catch(() => undefined)));
    for (const pid of orphans) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await bull?.close();
    bullConnection?.disconnect();
    await held?.close();
    await shared?.close();
    redis?.disconnect();
    await redisServer?.dispose();
    rmSync(tmp, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('a job the worker receives with an input that can never run fails at once, for good, and its input is not kept', async () => {
    await ensureWorkers();
    const cases: Array<[string, unknown]> = [
      ['not-a-string', 42],
      ['too-large', 'x'.repeat(2 * 1024 * 1024)],
    ];
    for (const [id, input] of cases) {
      // Written past the producer's checks, as another client of the queue could.
      await bull.add('turn', { input, thread: { start: {} }, retainSeconds: 600 }, { jobId: id, attempts: 3, removeOnFail: { age: 600 } });
      const { outcome, entries } = await outcomeOf(held.handle(id), 30_000);
      expect(outcome, id).to.equal('failed: invalid-input');
      expect(entries.map((entry) => entry.kind), id).to.deep.equal(['failed']);
      // Failed for good (BullMQ's state follows the stream's final entry within moments), not retried.
      let state = '';
      for (let tries = 0; tries < 50 && state !== 'failed'; tries += 1) {
        state = await (await bull.getJob(id))!.getState();
        if (state !== 'failed') await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(state, id).to.equal('failed');
      expect(JSON.stringify((await bull.getJob(id))!.data).length, id).to.be.below(200);
    }
  });

  it('SIGKILL of a worker\'s app-server only: it is relaunched, and all 30 jobs end with their result', async () => {
    await ensureWorkers();
    // One worker of its own queue, so that every job goes through the relaunched server.
    const lone = await WorkerProcess.start({ redis: redisServer.url, queue: 'lone', id: 'lone', tmpDir: tmp, scriptedWordMs: 60, ...WORKER_TIMING, concurrency: 4 });
    const producer = await FleetProducer.connect({ redis: redisServer.url, queue: 'lone' });
    try {
      const prompts = Array.from({ length: 30 }, (_, index) => promptOf(`lone${index}`));
      const handles = await Promise.all(prompts.map((input) => producer.submit({ input })));
      await firstValueFrom(handles[0]!.events$.pipe(filter((entry) => entry.kind === 'event' && entry.event.method === 'item/agentMessage/delta')));
      const killed = lone.killAppServer();
      expect(killed).to.not.be.empty;
      const outcomes = await Promise.all(handles.map((handle) => outcomeOf(handle, 90_000)));
      expect(outcomes.map(({ outcome }) => outcome)).to.deep.equal(prompts.map(() => 'result'));
      const results = await Promise.all(handles.map((handle) => handle.result()));
      results.forEach((result, index) => expect(result.finalResponse).to.equal(prompts[index]));
      const retried = outcomes.filter(({ entries }) => entries.some((entry) => entry.kind === 'failed' && entry.failure.reason === 'app-server-lost'));
      expect(retried, 'jobs whose turn the kill cut short, retried').to.not.be.empty;
      expect(lone.descendants().filter(isAlive), 'a relaunched app-server').to.not.be.empty;
    } finally {
      await producer.close();
      orphans.push(...lone.kill());
      await lone.done.catch(() => undefined);
    }
  });

  for (const fault of FAULTS) {
    for (const phase of PHASES) {
      it(`${fault} while the job is ${phase.startsWith('follow-up') ? `a ${phase}` : phase}: ${expected(fault, phase)}`, async () => {
        await ensureWorkers();
        const tag = `${FAULTS.indexOf(fault)}${PHASES.indexOf(phase)}`;
        const producer = phase === 'follow-up on a shared home' ? shared : held;
        let thread: string | undefined;
        if (phase.startsWith('follow-up')) thread = (await (await producer.submit({ input: promptOf(`c${tag}first`, 3) })).result()).threadId;
        if (phase === 'queued') await bull.pause();
        const job = await producer.submit({ input: promptOf(`c${tag}`), ...(thread === undefined ? {} : { thread }), key: `case-${tag}` });
        let runningOn: string | undefined;
        const reached = (entry: FleetEvent): boolean => {
          if (entry.kind === 'attempt') runningOn = entry.workerId;
          if (phase === 'started') return entry.kind === 'attempt';
          if (entry.kind !== 'event') return false;
          if (phase === 'finishing') return entry.event.method === 'item/completed' && entry.event.params.item.type === 'agentMessage';
          return entry.event.method === 'item/agentMessage/delta';
        };
        if (phase !== 'queued') await firstValueFrom(job.events$.pipe(filter(reached), timeout(60_000)));
        const victim = live.find((worker) => worker.id === runningOn) ?? live[0]!;
        switch (fault) {
          case 'SIGKILL worker':
            orphans.push(...victim.kill());
            retire(victim);
            pending.push(startWorker());
            break;
          case 'SIGKILL app-server':
            orphans.push(...victim.killAppServer());
            break;
          case 'SIGTERM worker':
            pending.push(victim.terminate().then((exit) => expect(exit.code, victim.stdout()).to.equal(0)));
            retire(victim);
            pending.push(startWorker());
            break;
          case 'Redis restart':
            await redisServer.restart(300);
            break;
        }
        if (phase === 'queued') await bull.resume();
        const { outcome, entries } = await outcomeOf(job, 90_000);
        const attempts = entries.filter((entry): entry is Extract<FleetEvent, { kind: 'attempt' }> => entry.kind === 'attempt');
        table.push(`| ${fault} | ${phase} | ${outcome} | ${attempts.map((attempt) => attempt.workerId).join(' → ') || '–'} |`);
        expect(outcome).to.equal(expected(fault, phase));
        // Once: one final entry read, and in the stream as stored, one result at most.
        expect(entries.filter((entry) => entry.kind === 'result' || (entry.kind === 'failed' && entry.final))).to.have.length(1);
        const stored = (await redis.xrange(`codex-rx:${queue}:events:${job.id}`, '-', '+')).map(([, fields]) => JSON.parse(fields[1]!) as FleetEvent);
        expect(new Set(stored.filter((entry) => entry.kind === 'result').map((entry) => entry.seq)).size).to.be.at.most(1);
        if (outcome === 'result') expect((await job.result()).finalResponse).to.equal(promptOf(`c${tag}`));
      });
    }
  }
});
