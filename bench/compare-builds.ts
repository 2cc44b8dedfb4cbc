/**
 * The pipeline of this build beside another build's, in the same rounds: each variant's
 * throughput ÷ the raw limit measured in the same round, by CPU time, validation on.
 *
 *   npm run build && node --import tsx bench/compare-builds.ts DIR [rounds=7]
 *
 * DIR holds the other build (`DIR/dist`, built from an earlier commit with `npx tsc`).
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Codex } from '../dist/client/codex.js';
import { buildReplayStream, loadRecordedTurn } from './lib/fixture.js';
import { markdownTable, progress, ratio } from './lib/format.js';
import { clientPass, perRound, rawPassRate } from './pipeline.js';
import { median, nextTick, rotate } from './lib/stats.js';

const dir = resolve(process.argv[2] ?? '');
const rounds = Number(process.argv[3] ?? 7);
const other = (await import(pathToFileURL(join(dir, 'dist/client/codex.js')).href)) as { Codex: typeof Codex };
const load = loadavg()[0]!;
const recorded = loadRecordedTurn();
const widths = [1, 100, 1_000];
const streams = new Map(widths.map((n) => [n, buildReplayStream(recorded, { turns: 1_000, concurrency: n, firstRequestId: 2 })] as const));
type Job = 'raw' | 'this' | 'other';
const samples = new Map<string, number[]>();
const jobs = widths.flatMap((n) => (['raw', 'this', 'other'] as const).map((job) => ({ n, job })));
for (let round = 0; round <= rounds; round += 1) {
  progress(`compare: round ${round}/${rounds}`);
  for (const { n, job } of rotate(jobs, round)) {
    const stream = streams.get(n)!;
    await nextTick();
    const rate = job === 'raw' ? await rawPassRate(stream) : await clientPass(stream, true, undefined, job === 'this' ? Codex : other.Codex);
    if (round === 0) continue;
    const key = `${n}/${job}`;
    samples.set(key, [...(samples.get(key) ?? []), rate.cpu]);
  }
}
const of = (n: number, job: Job) => samples.get(`${n}/${job}`)!;
const spread = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;
console.log(
  markdownTable(
    ['turns in flight', `${dir} ÷ raw (CPU)`, 'spread', 'this build ÷ raw (CPU)', 'spread', 'this ÷ other'],
    widths.map((n) => {
      const before = perRound(of(n, 'other'), of(n, 'raw'));
      const after = perRound(of(n, 'this'), of(n, 'raw'));
      return [String(n), ratio(median(before)), spread(before), ratio(median(after)), spread(after), ratio(median(perRound(of(n, 'this'), of(n, 'other'))))];
    }),
  ),
);
console.log(`\n_${rounds} interleaved rounds after a warm-up, validation on; load average (1 min) at start ${load.toFixed(2)}._`);
