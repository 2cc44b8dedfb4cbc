/**
 * Memory per turn of this build beside another build's, taking turns: the heap an active
 * `run()` turn (and a held `TurnHandle`'s) retains, as in `bench/memory.ts`, for both.
 *
 *   npm run build && node --expose-gc --import tsx bench/compare-memory.ts DIR [repeats=5]
 *
 * DIR holds the other build (`DIR/dist`, built from another commit with `npx tsc`).
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Codex } from '../dist/client/codex.js';
import { markdownTable, progress, size } from './lib/format.js';
import { hasGc, median } from './lib/stats.js';
import { measureOnce, type Consumer, type Sample } from './memory.js';

if (!hasGc()) throw new Error('compare-memory needs node --expose-gc');
const dir = resolve(process.argv[2] ?? '');
const repeats = Number(process.argv[3] ?? 5);
const other = (await import(pathToFileURL(join(dir, 'dist/client/codex.js')).href)) as { Codex: typeof Codex };
const load = loadavg()[0]!;
const builds = { other: other.Codex, this: Codex } as const;
const samples = new Map<string, Sample[]>();
for (let repeat = 0; repeat < repeats; repeat += 1) {
  for (const consumer of ['run', 'handle'] as Consumer[]) {
    for (const build of (repeat % 2 === 0 ? ['other', 'this'] : ['this', 'other']) as (keyof typeof builds)[]) {
      progress(`compare-memory: ${repeat + 1}/${repeats}, ${consumer}, ${build}`);
      const key = `${consumer}/${build}`;
      samples.set(key, [...(samples.get(key) ?? []), await measureOnce(1_000, consumer, builds[build])]);
    }
  }
}
const states: [string, (sample: Sample) => number][] = [
  ['active: `turn/started` seen', (s) => s.started],
  ['active: after its 50 deltas', (s) => s.streaming],
  ['completed, result (and handle) held', (s) => s.completedHeld],
  ['completed, released', (s) => s.released],
];
const of = (consumer: Consumer, build: keyof typeof builds, pick: (s: Sample) => number) => median(samples.get(`${consumer}/${build}`)!.map(pick));
console.log(
  markdownTable(
    ['state of each turn (1,000 turns, heap per turn)', `\`run()\`, ${dir}`, '`run()`, this build', `held handle, ${dir}`, 'held handle, this build'],
    states.map(([label, pick]) => [label, size(of('run', 'other', pick)), size(of('run', 'this', pick)), size(of('handle', 'other', pick)), size(of('handle', 'this', pick))]),
  ),
);
console.log(`\n_Median of ${repeats} repeats, builds taking turns; load average (1 min) at start ${load.toFixed(2)}._`);
