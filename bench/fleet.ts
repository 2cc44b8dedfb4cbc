/**
 * The fleet (codex-rx/fleet) on this machine: jobs/s with 1 and 3 worker processes, the latency
 * the queue adds to a turn over the direct client (p50/p99), and what one turn costs Redis
 * (commands, CPU, stream entries). Real redis-server, real app-servers, the scripted model
 * streaming 20 deltas per turn without pauses.
 */
import { Redis } from 'ioredis';
import { lastValueFrom, toArray } from 'rxjs';
import { FleetProducer } from '../src/fleet/index.js';
import { deltas, response, startScriptedCodex } from '../src/testing/index.js';
import { RedisServer } from '../spec/fleet/support/redis-server.js';
import { WorkerProcess } from '../spec/fleet/support/worker-process.js';
import { progress } from './lib/format.js';

/** Options of `runFleetBench`. */
export interface FleetBenchOptions {
  /** Jobs per throughput run. Default 300. */
  readonly jobs?: number;
  /** Turns, one after the other, for the latency figures. Default 60. */
  readonly latencyTurns?: number;
  /** Turns each worker runs at once. Default 8. */
  readonly concurrency?: number;
}

const DELTAS = 20;

function prompt(name: string): string {
  return Array.from({ length: DELTAS }, (_, index) => `${name}w${index}`).join(' ');
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface RedisCost {
  readonly commands: number;
  readonly cpuMs: number;
}

async function redisCost(redis: Redis): Promise<RedisCost> {
  const info = `${await redis.info('stats')}\n${await redis.info('cpu')}`;
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  return { commands: field('total_commands_processed'), cpuMs: (field('used_cpu_sys') + field('used_cpu_user')) * 1000 };
}

interface DirectFigures {
  /** Sequential turns: thread start plus a 20-delta turn each, as a fleet job does. */
  readonly latencies: number[];
  /** Turns/s with `concurrency` at a time. */
  readonly turnsPerSecond: number;
}

/** The same work on one in-process client, without the fleet. */
async function direct(turns: number, throughputTurns: number, concurrency: number): Promise<DirectFigures> {
  const scripted = await startScriptedCodex();
  const runTurn = async (name: string) => {
    const text = prompt(name);
    scripted.mock.enqueueMatching((request) => request.userTexts().at(-1) === text, response(deltas(text.split(/(?<=\s)/), { phase: 'final_answer' })));
    const thread = await scripted.codex.threadStart();
    await thread.run(text);
  };
  try {
    const latencies: number[] = [];
    for (let index = 0; index < turns + 5; index += 1) {
      const started = performance.now();
      await runTurn(`d${index}`);
      if (index >= 5) latencies.push(performance.now() - started); // the first few warm the server up
    }
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < throughputTurns) await runTurn(`t${next++}`);
      }),
    );
    return { latencies, turnsPerSecond: throughputTurns / ((performance.now() - started) / 1000) };
  } finally {
    await scripted.dispose();
  }
}

async function fleetLatencies(producer: FleetProducer, turns: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let index = 0; index < turns + 5; index += 1) {
    const started = performance.now();
    const job = await producer.submit({ input: prompt(`l${index}`) });
    await job.result();
    if (index >= 5) latencies.push(performance.now() - started);
  }
  return latencies;
}

async function throughput(producer: FleetProducer, redis: Redis, jobs: number, tag: string): Promise<{ jobsPerSecond: number; cost: RedisCost; entries: number }> {
  const before = await redisCost(redis);
  const started = performance.now();
  const handles = await Promise.all(Array.from({ length: jobs }, (_, index) => producer.submit({ input: prompt(`${tag}${index}`) })));
  await Promise.all(handles.map((handle) => handle.result()));
  const seconds = (performance.now() - started) / 1000;
  const after = await redisCost(redis);
  const entries = (await lastValueFrom(handles[0]!.events$.pipe(toArray()))).length;
  return {
    jobsPerSecond: jobs / seconds,
    cost: { commands: (after.commands - before.commands) / jobs, cpuMs: (after.cpuMs - before.cpuMs) / jobs },
    entries,
  };
}

/** Runs the fleet benchmark and returns its markdown section. */
export async function runFleetBench(options: FleetBenchOptions = {}): Promise<string> {
  const jobs = options.jobs ?? 300;
  const latencyTurns = options.latencyTurns ?? 60;
  const concurrency = options.concurrency ?? 8;
  progress('fleet: the direct client, for comparison');
  const baseline = await direct(latencyTurns, jobs / 3, concurrency);
  const directLatencies = baseline.latencies;
  const server = await RedisServer.start('everysec');
  const redis = new Redis(server.url);
  const workers: WorkerProcess[] = [];
  const producer = await FleetProducer.connect({ redis: server.url, queue: 'bench' });
  try {
    const start = (id: string) => WorkerProcess.start({ redis: server.url, queue: 'bench', id, concurrency, scriptedWordMs: 0 });
    progress('fleet: 1 worker');
    workers.push(await start('b1'));
    const queued = await fleetLatencies(producer, latencyTurns);
    const one = await throughput(producer, redis, jobs, 'one');
    progress('fleet: 3 workers');
    workers.push(...(await Promise.all([start('b2'), start('b3')])));
    const three = await throughput(producer, redis, jobs, 'three');
    const ms = (value: number) => `${value.toFixed(0)} ms`;
    const added = (p: number) => ms(percentile(queued, p) - percentile(directLatencies, p));
    return [
      `### Fleet (codex-rx/fleet on Redis)`,
      '',
      `Real redis-server (appendonly, fsync every second), worker processes each with its own app-server, the scripted model streaming ${DELTAS} deltas per turn without pauses; each job starts a thread and runs one turn. Concurrency ${concurrency} per worker.`,
      '',
      '| measure | value |',
      '| --- | --- |',
      `| turns/s, direct client in one process, ${concurrency} at a time (${jobs / 3} turns) | ${baseline.turnsPerSecond.toFixed(1)} |`,
      `| jobs/s, 1 worker (${jobs} jobs) | ${one.jobsPerSecond.toFixed(1)} |`,
      `| jobs/s, 3 workers (${jobs} jobs) | ${three.jobsPerSecond.toFixed(1)} |`,
      `| turn latency, direct client, p50 / p99 (${latencyTurns} turns one after another) | ${ms(percentile(directLatencies, 50))} / ${ms(percentile(directLatencies, 99))} |`,
      `| job latency through the fleet, 1 idle worker, p50 / p99 | ${ms(percentile(queued, 50))} / ${ms(percentile(queued, 99))} |`,
      `| latency the queue adds, p50 / p99 | ${added(50)} / ${added(99)} |`,
      `| stream entries per job | ${one.entries} |`,
      `| Redis commands per job (1 worker / 3 workers) | ${one.cost.commands.toFixed(0)} / ${three.cost.commands.toFixed(0)} |`,
      `| Redis CPU per job (1 worker / 3 workers) | ${one.cost.cpuMs.toFixed(2)} ms / ${three.cost.cpuMs.toFixed(2)} ms |`,
      `| jobs/s one Redis core could carry at that cost | ~${(1000 / three.cost.cpuMs).toFixed(0)} |`,
    ].join('\n');
  } finally {
    await producer.close();
    await Promise.all(workers.map((worker) => worker.terminate()));
    redis.disconnect();
    await server.dispose();
  }
}
