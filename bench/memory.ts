/**
 * Memory per turn: 1,000 concurrent turns (each on its own thread) over an in-memory transport,
 * fed the recorded frames of a real turn. The retained heap is read after `global.gc()` at four
 * points: turns just started, after their 50 deltas, completed with their results held, and
 * after the program let go of handles and results. Needs `node --expose-gc` (`npm run bench`
 * re-spawns itself with it).
 *
 *   node --expose-gc --import tsx bench/memory.ts
 */
import { fileURLToPath } from 'node:url';
import { Codex } from '../dist/client/codex.js';
import type { TurnHandle } from '../dist/client/turn-handle.js';
import type { TurnResult } from '../dist/turns/turn-result.js';
import type { TurnRouter } from '../dist/turns/turn-router.js';
import { loadRecordedTurn, syntheticUuid } from './lib/fixture.js';
import { integer, markdownTable, size } from './lib/format.js';
import { MemoryTransport } from './lib/memory-transport.js';
import { ANSWER_TEXT } from './lib/script.js';
import { hasGc, nextTick } from './lib/stats.js';

export interface MemoryOptions {
  readonly turns?: number;
  /** Repeats of the whole measurement; the table shows the median of each figure. */
  readonly repeats?: number;
}

const DEFAULTS = { turns: 1_000, repeats: 3 } as const;

/** Heap in use after full collections, once the numbers have settled. */
function settledHeap(): number {
  const gc = (globalThis as unknown as { gc: () => void }).gc;
  let last = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 6; i += 1) {
    gc();
    const used = process.memoryUsage().heapUsed;
    if (Math.abs(used - last) < 4_096) return used;
    last = used;
  }
  return last;
}

/** How the program consumes each turn: `thread.run()` only, or a `TurnHandle` it holds (and runs). */
export type Consumer = 'run' | 'handle';

export interface Sample {
  readonly started: number;
  readonly streaming: number;
  readonly completedHeld: number;
  readonly released: number;
  readonly routerSizes: readonly number[];
  /** Turns whose events the router keeps for a later subscriber, at the same points. */
  readonly replaying: readonly number[];
}

/**
 * One measurement of `turns` concurrent turns consumed one way; heap figures are bytes per turn.
 * `client` is the `Codex` class measured: this build's, or another build's (`bench/compare-memory.ts`);
 * `at` is called where the heap is read before the turns start and once they have had their deltas
 * (to take heap snapshots there).
 */
export async function measureOnce(turns: number, consumer: Consumer, client: typeof Codex = Codex, at?: (point: 'baseline' | 'streaming') => void): Promise<Sample> {
  const recorded = loadRecordedTurn();
  // One buffer per line of the recorded turn, holding that line for every turn: feeding them in
  // order interleaves the turns, and the test can stop between two lines.
  const threadIds = Array.from({ length: turns }, (_, i) => syntheticUuid(1, i));
  const turnIds = Array.from({ length: turns }, (_, i) => syntheticUuid(2, i));
  const firstRequestId = 2;
  const responsePrefix = `{"id":${recorded.requestId},`;
  const segments = recorded.lines.map((line) => {
    const copies = threadIds.map((threadId, i) => {
      let text = line.split(recorded.threadId).join(threadId).split(recorded.turnId).join(turnIds[i]!);
      if (text.startsWith(responsePrefix)) text = `{"id":${firstRequestId + i},${text.slice(responsePrefix.length)}`;
      return text;
    });
    return Buffer.from(`${copies.join('\n')}\n`, 'utf8');
  });
  const lastIndex = (predicate: (line: string) => boolean) => recorded.lines.findLastIndex(predicate);
  const startedAt = lastIndex((line) => line.includes('"method":"turn/started"'));
  const lastDelta = lastIndex((line) => line.includes('"method":"item/agentMessage/delta"'));

  const transport = new MemoryTransport();
  const codex = new client({ transport: () => transport });
  await codex.ready();
  const router = (codex as unknown as { session: { router: TurnRouter } }).session.router;
  let threads = await Promise.all(threadIds.map((id) => codex.thread(id)));
  const routerSizes: number[] = [];
  const replaying: number[] = [];
  const look = () => {
    routerSizes.push(router.size);
    replaying.push(router.replaying);
  };
  let fed = 0;
  const feedThrough = async (index: number) => {
    for (; fed <= index; fed += 1) {
      transport.feed(segments[fed]!);
      await nextTick();
    }
  };

  const baseline = settledHeap();
  at?.('baseline');
  let handles: TurnHandle[] | undefined;
  let results: Promise<TurnResult>[] | undefined;
  if (consumer === 'handle') {
    let handlesPending: Promise<TurnHandle>[] | undefined = threads.map((thread) => thread.turn('go'));
    await feedThrough(startedAt);
    handles = await Promise.all(handlesPending);
    // A local that lived across an await stays in the async function's frame until overwritten.
    handlesPending = undefined;
    results = handles.map((handle) => handle.run());
  } else {
    results = threads.map((thread) => thread.run('go'));
    await feedThrough(startedAt);
  }
  await nextTick();
  const started = settledHeap();
  look();

  await feedThrough(lastDelta);
  const streaming = settledHeap();
  look();
  at?.('streaming');

  await feedThrough(segments.length - 1);
  let done: TurnResult[] | undefined = await Promise.all(results);
  if (done.some((result) => result.finalResponse !== ANSWER_TEXT)) throw new Error('a turn ended with the wrong text');
  const completedHeld = settledHeap();
  look();

  handles = undefined;
  results = undefined;
  done = undefined;
  threads = [];
  await nextTick();
  const released = settledHeap();
  look();
  await codex.close();

  const perTurn = (heap: number) => (heap - baseline) / turns;
  return {
    started: perTurn(started),
    streaming: perTurn(streaming),
    completedHeld: perTurn(completedHeld),
    released: perTurn(released),
    routerSizes,
    replaying,
  };
}

export async function runMemoryBench(options: MemoryOptions = {}): Promise<string> {
  if (!hasGc()) throw new Error('the memory benchmark needs node --expose-gc');
  const turns = options.turns ?? DEFAULTS.turns;
  const repeats = options.repeats ?? DEFAULTS.repeats;
  const samples: Record<Consumer, Sample[]> = { run: [], handle: [] };
  // Interleaved, so that both consumers see the same machine.
  for (let i = 0; i < repeats; i += 1) {
    samples.run.push(await measureOnce(turns, 'run'));
    samples.handle.push(await measureOnce(turns, 'handle'));
  }
  const median = (consumer: Consumer, pick: (sample: Sample) => number) => {
    const sorted = samples[consumer].map(pick).sort((a, b) => a - b);
    return sorted[sorted.length >> 1]!;
  };
  const recorded = loadRecordedTurn();
  const jsonBytes = recorded.lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  const held = (consumer: Consumer, at: number) => {
    const sample = samples[consumer][0]!;
    return `${integer(sample.routerSizes[at]!)} / ${integer(sample.replaying[at]!)}`;
  };
  const states: [string, (sample: Sample) => number][] = [
    ['active: `turn/started` seen', (s) => s.started],
    ['active: after its 50 deltas', (s) => s.streaming],
    ['completed, `TurnResult` (and handle) still held', (s) => s.completedHeld],
    ['completed, handle and result released', (s) => s.released],
  ];
  const rows = states.map(([state, pick], at) => [
    state,
    size(median('run', pick)),
    held('run', at),
    size(median('handle', pick)),
    held('handle', at),
  ]);
  return [
    '### Memory per turn',
    '',
    `${integer(turns)} concurrent turns, each on its own thread, over an in-memory transport (validation on); retained heap after ` +
      `\`global.gc()\` minus the heap before the turns started, divided by ${integer(turns)}; median of ${repeats} runs. ` +
      `A whole turn is ${recorded.lines.length} frames, ${size(jsonBytes)} of JSON. Each turn is consumed either by \`thread.run()\` ` +
      `alone, or through a \`TurnHandle\` the program holds (\`thread.turn()\`, then \`handle.run()\`). "Held / replaying" is how ` +
      `many turns the router holds, and how many of them keep their events for a later subscriber.`,
    '',
    markdownTable(
      ['state of each turn', '`run()`: heap per turn', '`run()`: held / replaying', 'held `TurnHandle`: heap per turn', 'held `TurnHandle`: held / replaying'],
      rows,
    ),
  ].join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await runMemoryBench());
}
