/**
 * End to end of this checkout beside another one's, in the same rounds: the bare client, this
 * codex-rx and the other codex-rx take turns on the real app-server (as in `bench/e2e.ts`), and
 * every figure is a median of per-round ratios. The other checkout's worker is bundled from
 * `DIR/bench/e2e/worker-codex-rx.ts`, so it runs that checkout's `src/`.
 *
 *   node --import tsx bench/compare-e2e.ts DIR [rounds=7] [N…=1,20]
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

type Variant = 'bare' | 'this' | 'other';
const dir = resolve(process.argv[2] ?? '');
const rounds = Number(process.argv[3] ?? 7);
const widths = (process.argv[4] ?? '1,20').split(',').map(Number);
const profileDir = process.env['BENCH_PROFILE_DIR'];
const load = loadavg()[0]!;

const built = await buildWorkers();
const other = await buildWorkerFrom(join(dir, 'bench/e2e/worker-codex-rx.ts'), 'worker-codex-rx-other');
if (other === undefined || built.mode !== 'bundled') throw new Error('compare-e2e needs esbuild, to bundle both workers alike');
const commands: Record<Variant, WorkerCommand> = { bare: built.commands.bare, this: built.commands['codex-rx'], other };
/** Profiles the codex-rx workers only, each file named after its variant and N (the workers read the environment). */
const profileOnly = (variant: Variant, n: number): void => {
  if (profileDir === undefined) return;
  process.env['BENCH_PROFILE_DIR'] = variant === 'bare' ? '' : profileDir;
  process.env['BENCH_PROFILE_TAG'] = `${variant}-n${n}-`;
};

const mock = await MockResponsesServer.start({ whenEmpty: benchResponse });
const samples = new Map<string, Measurement[]>();
const variants: Variant[] = ['bare', 'this', 'other'];
try {
  for (let round = 0; round <= rounds; round += 1) {
    for (const n of widths) {
      for (const variant of rotate(variants, round + n)) {
        progress(`compare-e2e: round ${round}/${rounds}, N=${n}, ${variant}`);
        profileOnly(variant, n);
        const measurement = await runWorker(commands[variant], n, mock);
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
const rows = widths.flatMap((n) =>
  figures.map(([label, pick]) => [
    `N = ${n}, ${label}`,
    label.startsWith('peak') ? `${(median(of(n, 'bare', pick)) / 2 ** 20).toFixed(1)} MiB` : millis(median(of(n, 'bare', pick))),
    label.startsWith('peak') ? `${(median(of(n, 'other', pick)) / 2 ** 20).toFixed(1)} MiB` : millis(median(of(n, 'other', pick))),
    label.startsWith('peak') ? `${(median(of(n, 'this', pick)) / 2 ** 20).toFixed(1)} MiB` : millis(median(of(n, 'this', pick))),
    paired(n, 'other', 'bare', pick),
    paired(n, 'this', 'bare', pick),
    paired(n, 'this', 'other', pick),
  ]),
);
console.log(
  markdownTable(['figure (median of rounds)', 'bare', `${dir}`, 'this checkout', `${dir} ÷ bare (spread)`, 'this ÷ bare (spread)', 'this ÷ other'], rows),
);
console.log(`\n_${rounds} interleaved rounds after a warm-up; load average (1 min) at start ${load.toFixed(2)}, at the end ${loadavg()[0]!.toFixed(2)}._`);
