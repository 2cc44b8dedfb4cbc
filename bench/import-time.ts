/**
 * What importing codex-rx costs a fresh process: wall-clock and CPU time of `await import(...)`
 * of the built main entry (`dist/index.js`), and of its parts, each in a new `node` process.
 * A row with modules loaded first (`after …`) shows the cost of what is left once they are in
 * memory: `codex-rx after rxjs` is codex-rx minus rxjs. Rows take turns within each round, so a
 * change in the machine's load falls on all of them alike.
 *
 * `IMPORT_BASELINE=DIR npm run bench -- import` adds a row for another build's `DIR/dist/index.js`
 * (a checkout of an earlier commit, built, with its own node_modules), measured in the same rounds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { markdownTable, millis, progress } from './lib/format.js';

/** Options of {@link runImportTimeBench}. */
export interface ImportTimeBenchOptions {
  /** Processes per row (the table shows the median and the fastest). Default 15. */
  readonly runs?: number;
  /** A directory holding another build (`dist/index.js`) to measure beside this one. */
  readonly baseline?: string;
}

interface ImportRow {
  readonly label: string;
  readonly specifier: string;
  /** Imported before the clock starts. */
  readonly preload?: readonly string[];
}

const ROOT = join(import.meta.dirname, '..');
const MAIN_ENTRY = './dist/index.js';

const ROWS: readonly ImportRow[] = [
  { label: 'codex-rx (dist/index.js)', specifier: MAIN_ENTRY },
  { label: 'rxjs alone', specifier: 'rxjs' },
  { label: 'codex-rx after rxjs (codex-rx minus rxjs)', specifier: MAIN_ENTRY, preload: ['rxjs'] },
  { label: 'io-ts alone', specifier: 'io-ts' },
  { label: 'generated protocol after io-ts', specifier: './dist/protocol/generated/codecs.js', preload: ['io-ts'] },
  { label: 'ws alone (loaded on the first WebSocket or unix socket connect)', specifier: 'ws' },
];

function measureOnce({ specifier, preload = [] }: ImportRow): { wall: number; cpu: number } {
  const program = [
    ...preload.map((module) => `await import(${JSON.stringify(module)});`),
    'const cpu0 = process.cpuUsage(); const t0 = performance.now();',
    `await import(${JSON.stringify(specifier)});`,
    'const wall = performance.now() - t0; const cpu = process.cpuUsage(cpu0);',
    'console.log(JSON.stringify({ wall, cpu: (cpu.user + cpu.system) / 1000 }));',
  ].join('\n');
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', program], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`importing ${specifier} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { wall: number; cpu: number };
}

/** Which of the main entry's optional dependencies a fresh `import 'codex-rx'` loaded. */
function loadedByMainEntry(names: readonly string[]): string[] {
  const program = [
    "import { createRequire } from 'node:module';",
    `await import(${JSON.stringify(MAIN_ENTRY)});`,
    'const loaded = Object.keys(createRequire(import.meta.url).cache);',
    `console.log(JSON.stringify(${JSON.stringify(names)}.filter((name) => loaded.some((path) => path.includes('/node_modules/' + name + '/')))));`,
  ].join('\n');
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', program], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`importing ${MAIN_ENTRY} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Measures and returns a markdown section with the table. */
export async function runImportTimeBench(options: ImportTimeBenchOptions = {}): Promise<string> {
  const runs = options.runs ?? 15;
  if (!existsSync(join(ROOT, 'dist/index.js'))) return '### Import time\n\n_dist/ is missing: run `npm run build` first._';
  const baseline = options.baseline === undefined ? undefined : resolve(options.baseline);
  const rows: readonly ImportRow[] = [
    ...ROWS,
    ...(baseline === undefined
      ? []
      : [{ label: `baseline: ${baseline}/dist/index.js`, specifier: pathToFileURL(join(baseline, 'dist/index.js')).href }]),
  ];
  const samples = rows.map(() => [] as { wall: number; cpu: number }[]);
  for (let round = 0; round < runs; round += 1) {
    progress(`import time: round ${round + 1} of ${runs}`);
    rows.forEach((row, i) => samples[i]!.push(measureOnce(row)));
  }
  const table = rows.map((row, i) => {
    const walls = samples[i]!.map((s) => s.wall);
    const cpus = samples[i]!.map((s) => s.cpu);
    return [row.label, millis(median(walls)), millis(Math.min(...walls)), millis(median(cpus)), millis(Math.min(...cpus))];
  });
  const optional = ['ws'];
  const loaded = loadedByMainEntry(optional);
  return [
    `### Import time (${runs} fresh processes per row, rows taking turns)`,
    '',
    markdownTable(['module', 'wall median', 'wall min', 'CPU median', 'CPU min'], table, ['l', 'r', 'r', 'r', 'r']),
    '',
    `Loaded by \`import 'codex-rx'\`: ${optional.map((name) => `${name} ${loaded.includes(name) ? 'yes' : 'no'}`).join(', ')}.`,
    '',
    '_Target: the main entry in ≤ 150 ms. CPU is user + system time of the importing process (V8 compiles on other threads too, so it can exceed wall-clock)._',
  ].join('\n');
}
