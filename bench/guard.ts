/**
 * The regression guard: the figures that matter for the hot path, as ratios measured side by side
 * in one run, compared with the committed `bench/baseline.json`. It prints every figure beside the
 * baseline's and says which moved by more than the noise of either run. It never fails a build:
 * timings on a shared machine are not specs.
 *
 *   npm run bench -- guard              compare with bench/baseline.json (a few minutes)
 *   npm run bench -- guard --update     measure and write bench/baseline.json
 *
 * Figures (each a median of per-round values, with its spread across rounds):
 * - pipeline: the whole client with validation on ÷ the raw limit (split + `JSON.parse`), by CPU
 *   time, at 1, 100 and 1,000 turns in flight (higher is better);
 * - import: `import 'codex-rx'` ÷ `import 'rxjs'` alone, CPU time, fresh processes (lower is better);
 * - e2e: codex-rx ÷ the bare JSON-RPC client on the real app-server, cold at N = 1 (launch →
 *   result: `connect` dominates) and warm at N = 20, by the wall clock, and the worker's CPU at N = 20;
 * - memory: heap per active `run()` turn after its 50 deltas, 1,000 turns (lower is better).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sampleEndToEnd } from './e2e.js';
import { MAIN_ENTRY, measureOnce as timeImport } from './import-time.js';
import { markdownTable, progress } from './lib/format.js';
import { median } from './lib/stats.js';
import { measureOnce as measureMemory } from './memory.js';
import { perRound, samplePipeline } from './pipeline.js';

/** One figure: the median of its per-round values, and how far those spread (half the distance between the quartiles). */
export interface GuardFigure {
  readonly value: number;
  readonly noise: number;
  readonly rounds: number;
  /** Which way is better. */
  readonly better: 'higher' | 'lower';
  readonly unit: string;
}

export interface GuardBaseline {
  readonly commit: string;
  readonly date: string;
  readonly loadAtStart: number;
  readonly figures: Readonly<Record<string, GuardFigure>>;
}

export interface GuardOptions {
  /** Rounds of the pipeline, e2e and import measurements. */
  readonly rounds?: number;
  /** Write the baseline instead of comparing with it. */
  readonly update?: boolean;
}

const DEFAULTS = { rounds: 5, importRounds: 11 } as const;
const BASELINE_PATH = join(import.meta.dirname, 'baseline.json');
/** A move smaller than this share of the figure is never reported, whatever the spread. */
const FLOOR = 0.02;

function figure(values: readonly number[], better: GuardFigure['better'], unit: string): GuardFigure {
  const sorted = [...values].sort((a, b) => a - b);
  const quartile = (q: number) => sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))]!;
  return { value: median(values), noise: (quartile(0.75) - quartile(0.25)) / 2, rounds: values.length, better, unit };
}

/** Measures every figure of the guard. */
export async function measureGuard(options: GuardOptions = {}): Promise<Record<string, GuardFigure>> {
  const rounds = options.rounds ?? DEFAULTS.rounds;
  const figures: Record<string, GuardFigure> = {};

  const pipeline = await samplePipeline({ rounds });
  for (const n of pipeline.concurrencies) {
    figures[`pipeline, validation on ÷ raw, ${n} turns (CPU)`] = figure(perRound(pipeline.of(n, 'on', 'cpu'), pipeline.of(n, 'raw', 'cpu')), 'higher', '×');
  }

  const importRounds = Math.max(rounds, DEFAULTS.importRounds);
  const ratios: number[] = [];
  for (let round = 0; round < importRounds; round += 1) {
    progress(`guard: import round ${round + 1}/${importRounds}`);
    // Alternating which goes first, so that a change of load falls on both.
    const pair = round % 2 === 0
      ? [timeImport({ label: 'codex-rx', specifier: MAIN_ENTRY }), timeImport({ label: 'rxjs', specifier: 'rxjs' })]
      : [timeImport({ label: 'rxjs', specifier: 'rxjs' }), timeImport({ label: 'codex-rx', specifier: MAIN_ENTRY })].reverse();
    ratios.push(pair[0]!.cpu / pair[1]!.cpu);
  }
  figures['import, codex-rx ÷ rxjs alone (CPU)'] = figure(ratios, 'lower', '×');

  const e2e = await sampleEndToEnd({ rounds, concurrencies: [1, 20], clients: ['codex-rx', 'bare'] });
  const versusBare = (n: number, pick: (m: { wallMs: number; coldMs: number; cpuMs: number; coldCpuMs: number }) => number) =>
    perRound(e2e.of(n, 'codex-rx', pick), e2e.of(n, 'bare', pick));
  figures['e2e, codex-rx ÷ bare, cold N = 1 (launch → result, wall)'] = figure(versusBare(1, (m) => m.coldMs), 'lower', '×');
  // The client's own share of connecting, which other jobs on the machine do not stretch.
  figures['e2e, codex-rx ÷ bare, cold N = 1 (node CPU)'] = figure(versusBare(1, (m) => m.coldCpuMs), 'lower', '×');
  figures['e2e, codex-rx ÷ bare, warm N = 20 (wall)'] = figure(versusBare(20, (m) => m.wallMs), 'lower', '×');
  figures['e2e, codex-rx ÷ bare, warm N = 20 (node CPU)'] = figure(versusBare(20, (m) => m.cpuMs), 'lower', '×');

  const memory: number[] = [];
  for (let repeat = 0; repeat < 3; repeat += 1) {
    progress(`guard: memory ${repeat + 1}/3`);
    memory.push((await measureMemory(1_000, 'run')).streaming / 1024);
  }
  figures['memory, active run() turn after 50 deltas'] = figure(memory, 'lower', 'KiB');
  return figures;
}

function commitOf(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const show = (f: GuardFigure | undefined) => (f === undefined ? '—' : `${f.value.toFixed(f.unit === '×' ? 3 : 2)}${f.unit === '×' ? '×' : ` ${f.unit}`} ±${f.noise.toFixed(f.unit === '×' ? 3 : 2)}`);

/** The comparison with the baseline as a markdown section; what moved beyond the noise is named. */
export function compare(baseline: GuardBaseline | undefined, figures: Readonly<Record<string, GuardFigure>>): string {
  const moved: string[] = [];
  const rows = Object.entries(figures).map(([name, now]) => {
    const before = baseline?.figures[name];
    if (before === undefined) return [name, '—', show(now), '', 'no baseline'];
    const change = (now.value - before.value) / before.value;
    const beyond = Math.abs(now.value - before.value) > Math.max(now.noise, before.noise) + FLOOR * Math.abs(before.value);
    const better = (change > 0) === (now.better === 'higher');
    const verdict = !beyond ? 'within noise' : better ? 'better' : 'WORSE';
    if (beyond) moved.push(`${name}: ${better ? 'better' : 'worse'} by ${(Math.abs(change) * 100).toFixed(1)}%`);
    return [name, show(before), show(now), `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%`, verdict];
  });
  return [
    `### Regression guard${baseline === undefined ? '' : ` against bench/baseline.json (${baseline.commit}, ${baseline.date}, load ${baseline.loadAtStart.toFixed(2)})`}`,
    '',
    markdownTable(['figure (median of rounds ± half the interquartile range)', 'baseline', 'now', 'change', 'verdict'], rows),
    '',
    moved.length === 0 ? 'Nothing moved by more than the noise.' : `Moved by more than the noise:\n${moved.map((line) => `- ${line}`).join('\n')}`,
  ].join('\n');
}

export async function runGuard(options: GuardOptions = {}): Promise<string> {
  const loadAtStart = loadavg()[0]!;
  const figures = await measureGuard(options);
  const baseline = existsSync(BASELINE_PATH) ? (JSON.parse(readFileSync(BASELINE_PATH, 'utf8')) as GuardBaseline) : undefined;
  const report = `${compare(baseline, figures)}\n\n_Load average (1 min) when the guard started: ${loadAtStart.toFixed(2)}._`;
  if (options.update === true) {
    const next: GuardBaseline = { commit: commitOf(), date: new Date().toISOString().slice(0, 10), loadAtStart, figures };
    writeFileSync(BASELINE_PATH, `${JSON.stringify(next, null, 2)}\n`);
    return `${report}\n\nWrote bench/baseline.json.`;
  }
  return report;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await runGuard({ update: process.argv.includes('--update') }));
}
