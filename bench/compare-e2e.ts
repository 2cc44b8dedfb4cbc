/**
 * End to end of this checkout beside other ones, in the same rounds: the bare client, this
 * codex-rx and each other codex-rx take turns on the real app-server (as in `bench/e2e.ts`), and
 * every figure is a median of per-round ratios. Another checkout's worker is bundled from
 * `DIR/bench/e2e/worker-codex-rx.ts`, so it runs that checkout's `src/`.
 *
 *   node --import tsx bench/compare-e2e.ts DIR[,DIR2…] [rounds=7] [N…=1,20]
 *   BENCH_PROFILE_DIR=DIR2 …   also writes CPU profiles of each batch of every codex-rx worker into
 *                              DIR2 (`this-n1-cold-PID.cpuprofile` …; see `bench/e2e/worker-env.ts`)
 *
 * DIR is a copy of another commit (`git archive COMMIT | tar -x -C DIR`, with `node_modules` linked).
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { runWorker, type Measurement } from './e2e.js';
import { buildWorkerFrom, buildWorkers, type WorkerCommand } from './lib/build-workers.js';
import { markdownTable, millis, progress, ratio } from './lib/format.js';
import { benchResponse } from './lib/script.js';
import { median, rotate } from './lib/stats.js';
import { MockResponsesServer } from '../src/testing/mock-responses-server.js';

/** `bare`, `this`, or the directory of another checkout. */
type Variant = string;
const dirs = (process.argv[2] ?? '').split(',').map((dir) => resolve(dir));
const rounds = Number(process.argv[3] ?? 7);
const widths = (process.argv[4] ?? '1,20').split(',').map(Number);
const profileDir = process.env['BENCH_PROFILE_DIR'];
const load = loadavg()[0]!;

const built = await buildWorkers();
if (built.mode !== 'bundled') throw new Error('compare-e2e needs esbuild, to bundle every worker alike');
const commands: Record<Variant, WorkerCommand> = { bare: built.commands.bare, this: built.commands['codex-rx'] };
for (const [i, dir] of dirs.entries()) commands[dir] = (await buildWorkerFrom(join(dir, 'bench/e2e/worker-codex-rx.ts'), `worker-codex-rx-other-${i}`))!;
/** Profiles the codex-rx workers only, each file named after its variant and N (the workers read the environment). */
const profileOnly = (variant: Variant, n: number): void => {
  if (profileDir === undefined) return;
  process.env['BENCH_PROFILE_DIR'] = variant === 'bare' ? '' : profileDir;
  process.env['BENCH_PROFILE_TAG'] = `${variant.replace(/\W+/g, '_')}-n${n}-`;
};

const mock = await MockResponsesServer.start({ whenEmpty: benchResponse });
const samples = new Map<string, Measurement[]>();
const variants: Variant[] = ['bare', 'this', ...dirs];
try {
  for (let round = 0; round <= rounds; round += 1) {
    for (const n of widths) {
      for (const variant of rotate(variants, round + n)) {
        progress(`compare-e2e: round ${round}/${rounds}, N=${n}, ${variant}`);
        profileOnly(variant, n);
        const measurement = await runWorker(commands[variant]!, n, mock);
        if (round === 0) continue;
        const key = `${n}/${variant}`;
        samples.set(key, [...(samples.get(key) ?? []), measurement]);
      }
    }
  }
} finally {
  await mock.close();
}

const of = (n: number, variant: Variant, pick: (m: Measurement) => number) => samples.get(`${n}/${variant}`)!.map(pick);
const paired = (n: number, a: Variant, b: Variant, pick: (m: Measurement) => number) => {
  const bs = of(n, b, pick);
  const ratios = of(n, a, pick).map((value, i) => value / bs[i]!);
  return `${ratio(median(ratios))} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
};
const figures: [string, (m: Measurement) => number][] = [
  ['cold wall (launch → last result)', (m) => m.coldMs],
  ['cold node CPU', (m) => m.coldCpuMs],
  ['warm wall (first request → last result)', (m) => m.wallMs],
  ['warm node CPU', (m) => m.cpuMs],
  ['peak RSS, process tree', (m) => m.peakRssBytes],
];
const shown = (label: string, value: number) => (label.startsWith('peak') ? `${(value / 2 ** 20).toFixed(1)} MiB` : millis(value));
const rows = widths.flatMap((n) =>
  figures.map(([label, pick]) => [
    `N = ${n}, ${label}`,
    ...variants.map((variant) => shown(label, median(of(n, variant, pick)))),
    ...variants.slice(1).map((variant) => paired(n, variant, 'bare', pick)),
    ...dirs.map((dir) => paired(n, 'this', dir, pick)),
  ]),
);
console.log(
  markdownTable(
    ['figure (median of rounds)', ...variants, ...variants.slice(1).map((variant) => `${variant} ÷ bare (spread)`), ...dirs.map((dir) => `this ÷ ${dir}`)],
    rows,
  ),
);
console.log(`\n_${rounds} interleaved rounds after a warm-up; load average (1 min) at start ${load.toFixed(2)}, at the end ${loadavg()[0]!.toFixed(2)}._`);
