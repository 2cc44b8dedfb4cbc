/**
 * Frame pipeline throughput: the recorded frames of a real turn, cloned into N concurrent turns,
 * replayed at full speed through an in-memory transport into the whole client path
 * (JSONL split → JSON.parse → codec decode → TurnRouter → one `thread.run` per turn, i.e. a
 * subscriber with `toTurnResult`), against the raw limit measured on the same bytes in the same
 * round (line splitting and `JSON.parse` only).
 *
 *   npx tsx bench/pipeline.ts            (or `npm run bench`, which runs every benchmark)
 */
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { Codex } from '../dist/client/codex.js';
import type { TurnResult } from '../dist/turns/turn-result.js';
import type { CodexConfig } from '../dist/client/codex-config.js';
import { buildReplayStream, loadRecordedTurn, type ReplayStream } from './lib/fixture.js';
import { integer, markdownTable, progress, ratio } from './lib/format.js';
import { MemoryTransport } from './lib/memory-transport.js';
import { ANSWER_TEXT } from './lib/script.js';
import { median, nextTick, rotate } from './lib/stats.js';

export interface PipelineOptions {
  /** Measured rounds (one more is run first as a warm-up). */
  readonly rounds?: number;
  /** Turns per replay stream, the same for every concurrency so that every pass moves the same bytes. */
  readonly turns?: number;
  readonly concurrencies?: readonly number[];
}

const DEFAULTS = { rounds: 9, turns: 1_000, concurrencies: [1, 100, 1_000] } as const;

export type Variant = 'raw' | 'off' | 'on';
const VARIANTS: readonly Variant[] = ['raw', 'off', 'on'];

/** Called around the timed part of a pass (the profiling script records only that). */
export interface TimedWindow {
  start(): void;
  stop(): void;
}

/**
 * Frames per second of one pass, by the wall clock and by the CPU time the process spent (all its
 * threads, so V8's helper threads for GC count too). On a shared machine other jobs stretch the
 * wall clock of a pass but not its CPU time.
 */
export interface PassRate {
  readonly wall: number;
  readonly cpu: number;
}

/** Starts both clocks; the returned function stops them and turns `frames` into rates. */
function clocks(): (frames: number) => PassRate {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  return (frames) => {
    const wallMs = performance.now() - wallStart;
    const cpu = process.cpuUsage(cpuStart);
    return { wall: frames / (wallMs / 1000), cpu: frames / ((cpu.user + cpu.system) / 1e6) };
  };
}

/** Split + JSON.parse only: the most any client can do with these bytes. */
export async function rawPassRate(stream: ReplayStream): Promise<PassRate> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  let frames = 0;
  let objects = 0;
  const stop = clocks();
  for (const chunk of stream.chunks) {
    const text = partial + decoder.write(chunk);
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      const value: unknown = JSON.parse(text.slice(start, newline));
      if (typeof value === 'object') objects += 1;
      frames += 1;
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    partial = text.slice(start);
    await nextTick();
  }
  const rate = stop(frames);
  if (frames !== stream.frames || objects !== frames) throw new Error(`raw pass read ${frames} frames of ${stream.frames}`);
  return rate;
}

/**
 * The whole client: one `Codex` over a memory transport, one `thread.run` per turn (each on its
 * own thread, so that every `turn/start` is sent at once) issued before the clock starts (their
 * `turn/start` requests are pending, as they would be on a real connection), then the stream fed chunk by chunk as a pipe delivers it. The clock stops when
 * every `run()` has resolved with its `TurnResult`.
 */
export async function clientPass(stream: ReplayStream, validate: boolean, window?: TimedWindow, client: typeof Codex = Codex, config: CodexConfig = {}): Promise<PassRate> {
  const transport = new MemoryTransport();
  // Every turn/start goes on the wire before the clock starts: the stream answers them all.
  const codex = new client({ ...config, transport: () => transport, validateNotifications: validate, validateResults: validate, maxInFlightRequests: Infinity });
  await codex.ready();
  const threads = await Promise.all(stream.threadIds.map((id) => codex.thread(id)));
  const results: Promise<TurnResult>[] = [];
  for (let i = 0; i < stream.turnIds.length; i += 1) results.push(threads[i]!.run('go'));
  const starts = transport.requests.get('turn/start') ?? [];
  if (starts.length !== stream.turnIds.length || starts[0] !== 2) throw new Error('turn/start requests were not sent in order with ids from 2');
  await nextTick();

  window?.start();
  const stop = clocks();
  for (const chunk of stream.chunks) {
    transport.feed(chunk);
    await nextTick();
  }
  const done = await Promise.all(results);
  const rate = stop(stream.frames);
  window?.stop();

  done.forEach((result, i) => {
    if (result.id !== stream.turnIds[i] || result.status !== 'completed' || result.finalResponse !== ANSWER_TEXT || result.usage === null) {
      throw new Error(`turn ${i} ended wrong: ${JSON.stringify({ id: result.id, status: result.status, finalResponse: result.finalResponse })}`);
    }
  });
  if (transport.diagnosticCount > 0) throw new Error(`${transport.diagnosticCount} transport diagnostics`);
  await codex.close();
  return rate;
}

/** Every pass's rates, by `N/variant/clock`, one entry per measured round. */
export interface PipelineSamples {
  readonly rounds: number;
  readonly turns: number;
  readonly concurrencies: readonly number[];
  readonly frameCount: number;
  readonly bytes: number;
  readonly framesPerTurn: number;
  readonly of: (n: number, variant: Variant, clock: keyof PassRate) => readonly number[];
}

/** Runs the interleaved rounds and keeps every pass's rates. */
export async function samplePipeline(options: PipelineOptions = {}): Promise<PipelineSamples> {
  const rounds = options.rounds ?? DEFAULTS.rounds;
  const turns = options.turns ?? DEFAULTS.turns;
  const concurrencies = options.concurrencies ?? DEFAULTS.concurrencies;
  const recorded = loadRecordedTurn();
  const streams = new Map(concurrencies.map((n) => [n, buildReplayStream(recorded, { turns, concurrency: n, firstRequestId: 2 })] as const));
  const samples = new Map<string, number[]>();
  const key = (n: number, variant: Variant, clock: keyof PassRate) => `${n}/${variant}/${clock}`;

  const jobs = concurrencies.flatMap((n) => VARIANTS.map((variant) => ({ n, variant })));
  for (let round = 0; round <= rounds; round += 1) {
    progress(`pipeline: round ${round === 0 ? 'warm-up' : `${round}/${rounds}`}`);
    for (const { n, variant } of rotate(jobs, round)) {
      const stream = streams.get(n)!;
      // No forced GC between passes: a full collection also shrinks the young generation, and the
      // pass after it would pay for regrowing it. Garbage left by one pass is V8's to collect as usual.
      await nextTick();
      const rate = variant === 'raw' ? await rawPassRate(stream) : await clientPass(stream, variant === 'on');
      if (round === 0) continue;
      for (const [clock, value] of [['wall', rate.wall], ['cpu', rate.cpu]] as const) {
        const list = samples.get(key(n, variant, clock)) ?? [];
        list.push(value);
        samples.set(key(n, variant, clock), list);
      }
    }
  }
  const first = streams.get(concurrencies[0]!)!;
  return {
    rounds,
    turns,
    concurrencies,
    frameCount: first.frames,
    bytes: first.bytes,
    framesPerTurn: recorded.lines.length,
    of: (n, variant, clock) => samples.get(key(n, variant, clock))!,
  };
}

/** Per-round ratios of two series measured in the same rounds. */
export function perRound(a: readonly number[], b: readonly number[]): number[] {
  return a.map((value, i) => value / b[i]!);
}

export async function runPipelineBench(options: PipelineOptions = {}): Promise<string> {
  const measured = await samplePipeline(options);
  const { rounds, turns, concurrencies } = measured;
  const key = (n: number, variant: Variant, clock: keyof PassRate) => [n, variant, clock] as const;
  const samples = { get: (k: readonly [number, Variant, keyof PassRate]) => measured.of(...k) };
  const first = { frames: measured.frameCount, bytes: measured.bytes };
  const recorded = { lines: { length: measured.framesPerTurn } };

  // Ratios are taken inside each round (measured back to back), then the median of those.
  const pairedMedian = (a: readonly [number, Variant, keyof PassRate], b: readonly [number, Variant, keyof PassRate]) => median(perRound(samples.get(a), samples.get(b)));
  const lowest = concurrencies[0]!;
  const highest = concurrencies[concurrencies.length - 1]!;
  const tables = (clock: keyof PassRate, unit: string) => [
    markdownTable(
      ['turns in flight', `raw limit (${unit})`, `validation off (${unit})`, '×raw', `validation on (${unit})`, '×raw'],
      concurrencies.map((n) => [
        integer(n),
        integer(median(samples.get(key(n, 'raw', clock))!)),
        integer(median(samples.get(key(n, 'off', clock))!)),
        ratio(pairedMedian(key(n, 'off', clock), key(n, 'raw', clock))),
        integer(median(samples.get(key(n, 'on', clock))!)),
        ratio(pairedMedian(key(n, 'on', clock), key(n, 'raw', clock))),
      ]),
    ),
    '',
    markdownTable(
      ['variant', `${integer(highest)} turns ÷ ${integer(lowest)} turn (${unit})`],
      (['raw', 'off', 'on'] as const).map((variant) => [
        variant === 'raw' ? 'raw limit' : `validation ${variant}`,
        ratio(pairedMedian(key(highest, variant, clock), key(lowest, variant, clock))),
      ]),
    ),
  ];
  return [
    `### Frame pipeline throughput`,
    '',
    `The frames of one real turn (\`bench/fixtures/turn-50-deltas.jsonl\`) cloned into ${integer(turns)} turns of ${recorded.lines.length} frames ` +
      `(${integer(first.frames)} frames, ${(first.bytes / 1_048_576).toFixed(1)} MiB per pass), with N turns in flight: the stream is groups of N turns, each turn on its own thread, ` +
      `interleaved line by line. Fed in 64 KiB chunks (one event-loop turn each, as a pipe delivers them) through an in-memory transport into the whole client: ` +
      `JSONL split → \`JSON.parse\` → codec check → \`TurnRouter\` → one \`thread.run()\` per turn (\`toTurnResult\`), issued before the clock starts; ` +
      `the clock stops when every \`run()\` has resolved. The raw limit is the same bytes through line splitting and \`JSON.parse\` only. ` +
      `Median of ${rounds} interleaved rounds after a warm-up; "×raw" and the scaling ratios are medians of per-round ratios.`,
    '',
    'By the wall clock:',
    '',
    ...tables('wall', 'frames/s'),
    '',
    'By the CPU time of the process (user + system, all its threads): frames per CPU-second. Other jobs on a shared machine stretch the wall clock of a pass, not its CPU time.',
    '',
    ...tables('cpu', 'frames/CPU-s'),
  ].join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rounds = process.env['BENCH_ROUNDS'] === undefined ? undefined : Number(process.env['BENCH_ROUNDS']);
  console.log(await runPipelineBench({ ...(rounds === undefined ? {} : { rounds }) }));
}
