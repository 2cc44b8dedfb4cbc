/** What the end-to-end benchmark hands a worker process, by environment variable, and how it answers. */
export interface WorkerSettings {
  /** Concurrent turns per batch, each on its own thread. */
  readonly turns: number;
  /** The pinned `codex` executable. */
  readonly codexBin: string;
  /** The workspace the server (or `codex exec`) runs in. */
  readonly cwd: string;
  /** The text every turn must end with. */
  readonly expectedText: string;
  /** The prompt of every turn. */
  readonly prompt: string;
}

/**
 * One JSON line on stdout. A worker runs two batches of N concurrent turns: the first in a fresh
 * process (timed from before the server is launched), the second once everything is warm
 * (timed from its first request), as in a program that keeps its client open.
 */
export interface WorkerReport {
  /** Batch 1: from before launching the server (or, for the SDK, before its first run) to the last result. */
  readonly coldMs: number;
  /** CPU time of the worker's node process (not its children) during batch 1, launch included. */
  readonly coldCpuMs: number;
  /** Batch 2: from its first request to its last result. */
  readonly wallMs: number;
  /** CPU time of the worker's node process (not its children) during batch 2. */
  readonly cpuMs: number;
  readonly turns: number;
}

export function workerSettings(): WorkerSettings {
  const read = (name: string): string => {
    const value = process.env[name];
    if (value === undefined || value === '') throw new Error(`${name} is not set: this is a worker of bench/e2e.ts`);
    return value;
  };
  return {
    turns: Number(read('BENCH_TURNS')),
    codexBin: read('BENCH_CODEX_BIN'),
    cwd: read('BENCH_CWD'),
    expectedText: read('BENCH_EXPECTED_TEXT'),
    prompt: read('BENCH_PROMPT'),
  };
}

/** Runs `batch` twice as described on {@link WorkerReport}; `launch` (timed with the first batch) opens the client. */
export async function runBatches<T>(
  settings: WorkerSettings,
  launch: () => Promise<void>,
  batch: () => Promise<readonly T[]>,
  text: (result: T) => string | null | undefined,
): Promise<WorkerReport> {
  const profiler = await phaseProfiler();
  await profiler?.start();
  const launched = performance.now();
  const cpuAtLaunch = process.cpuUsage();
  await launch();
  checkTexts((await batch()).map(text), settings);
  const coldMs = performance.now() - launched;
  const coldCpu = process.cpuUsage(cpuAtLaunch);
  await profiler?.stop('cold');
  await profiler?.start();
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const results = await batch();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuAtStart);
  await profiler?.stop('warm');
  checkTexts(results.map(text), settings);
  const ms = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
  return { coldMs, coldCpuMs: ms(coldCpu), wallMs, cpuMs: ms(cpu), turns: results.length };
}

export function report(value: WorkerReport): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Fails the worker when a turn did not end with the scripted text. */
function checkTexts(texts: readonly (string | null | undefined)[], settings: WorkerSettings): void {
  const wrong = texts.findIndex((text) => text !== settings.expectedText);
  if (texts.length !== settings.turns || wrong !== -1) {
    throw new Error(`turn ${wrong} of ${texts.length} ended with ${JSON.stringify(texts[wrong])}`);
  }
}

/**
 * With `BENCH_PROFILE_DIR`: a V8 CPU profile of each batch alone (`cold-PID.cpuprofile`,
 * `warm-PID.cpuprofile`), the imports before launch left out. The profiler's own cost is in the
 * reported CPU figures then: read them from runs without it.
 */
async function phaseProfiler(): Promise<{ start(): Promise<void>; stop(phase: string): Promise<void> } | undefined> {
  const dir = process.env['BENCH_PROFILE_DIR'];
  if (dir === undefined || dir === '') return undefined;
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: Number(process.env['BENCH_PROFILE_INTERVAL_US'] ?? 100) });
  return {
    start: async () => {
      await session.post('Profiler.start');
    },
    stop: async (phase) => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(`${dir}/${process.env['BENCH_PROFILE_TAG'] ?? ''}${phase}-${process.pid}.cpuprofile`, JSON.stringify(profile));
    },
  };
}
