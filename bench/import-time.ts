/**
 * What importing codex-rx costs a fresh process: wall-clock and CPU time of `await import(...)`
 * of the built main entry (`dist/index.js`), and of its parts on their own, each in a new `node`
 * process. The generated protocol is measured after io-ts is loaded, so its row is its own cost.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { markdownTable, millis, progress } from './lib/format.js';

/** Options of {@link runImportTimeBench}. */
export interface ImportTimeBenchOptions {
  /** Processes per module (the table shows the median and the fastest). Default 9. */
  readonly runs?: number;
}

const ROOT = join(import.meta.dirname, '..');

const MODULES: readonly { readonly label: string; readonly specifier: string; readonly preload?: string }[] = [
  { label: 'codex-rx (dist/index.js)', specifier: './dist/index.js' },
  { label: 'rxjs', specifier: 'rxjs' },
  { label: 'ws', specifier: 'ws' },
  { label: 'io-ts', specifier: 'io-ts' },
  { label: 'generated protocol (after io-ts)', specifier: './dist/protocol/generated/methods.js', preload: 'io-ts' },
];

function measureOnce(specifier: string, preload: string | undefined): { wall: number; cpu: number } {
  const program = [
    preload === undefined ? '' : `await import(${JSON.stringify(preload)});`,
    'const cpu0 = process.cpuUsage(); const t0 = performance.now();',
    `await import(${JSON.stringify(specifier)});`,
    'const wall = performance.now() - t0; const cpu = process.cpuUsage(cpu0);',
    'console.log(JSON.stringify({ wall, cpu: (cpu.user + cpu.system) / 1000 }));',
  ].join('\n');
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', program], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`importing ${specifier} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { wall: number; cpu: number };
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Measures and returns a markdown section with the table. */
export async function runImportTimeBench(options: ImportTimeBenchOptions = {}): Promise<string> {
  const runs = options.runs ?? 9;
  if (!existsSync(join(ROOT, 'dist/index.js'))) return '### Import time\n\n_dist/ is missing: run `npm run build` first._';
  const rows: string[][] = [];
  for (const { label, specifier, preload } of MODULES) {
    progress(`import time: ${label}`);
    const samples = Array.from({ length: runs }, () => measureOnce(specifier, preload));
    const walls = samples.map((s) => s.wall);
    const cpus = samples.map((s) => s.cpu);
    rows.push([label, millis(median(walls)), millis(Math.min(...walls)), millis(median(cpus)), millis(Math.min(...cpus))]);
  }
  return [
    `### Import time (${runs} fresh processes per row)`,
    '',
    markdownTable(['module', 'wall median', 'wall min', 'CPU median', 'CPU min'], rows, ['l', 'r', 'r', 'r', 'r']),
    '',
    '_Target: the main entry in ≤ 150 ms. Generated codecs are built on first use; the rows below the first show what the rest of the cost is._',
  ].join('\n');
}
