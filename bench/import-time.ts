/**
 * What importing codex-rx costs a fresh process: wall-clock and CPU time of `await import(...)`
 * of the built main entry (`dist/index.js`), and of its parts, each in a new `node` process.
 * A row with modules loaded first (`after …`) shows the cost of what is left once they are in
 * memory: `codex-rx after rxjs` is codex-rx minus rxjs. Rows take turns within each round, so a
 * change in the machine's load falls on all of them alike. A second table times whole `codex-rx`
 * processes that do nothing (`--version`) against `node -e 0`: what every command pays to start.
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

export interface ImportRow {
  readonly label: string;
  readonly specifier: string;
  /** Imported before the clock starts. */
  readonly preload?: readonly string[];
}

const ROOT = join(import.meta.dirname, '..');
export const MAIN_ENTRY = './dist/index.js';

const ROWS: readonly ImportRow[] = [
  { label: 'codex-rx (dist/index.js)', specifier: MAIN_ENTRY },
  { label: 'rxjs alone', specifier: 'rxjs' },
  { label: 'codex-rx after rxjs (codex-rx minus rxjs)', specifier: MAIN_ENTRY, preload: ['rxjs'] },
  { label: 'io-ts alone', specifier: 'io-ts' },
  { label: 'generated protocol after io-ts', specifier: './dist/protocol/generated/codecs.js', preload: ['io-ts'] },
  { label: 'ws alone (loaded on the first WebSocket or unix socket connect)', specifier: 'ws' },
  { label: 'the CLI\'s run command (dist/cli/run/run-command.js)', specifier: './dist/cli/run/run-command.js' },
];

// Whole processes: how long a `codex-rx` command takes before it does anything, against node itself.
const PROCESSES: readonly { readonly label: string; readonly args: readonly string[] }[] = [
  { label: 'node -e 0', args: ['-e', '0'] },
  { label: 'codex-rx --version', args: ['dist/cli/main.js', '--version'] },
];

// Prints the process's CPU time on stderr as it exits; loaded with --import before the command.
const CPU_AT_EXIT = `data:text/javascript,process.on('exit', () => { const c = process.cpuUsage(); process.stderr.write('\\ncpu ' + (c.user + c.system) / 1000 + '\\n'); });`;

export interface Sample {
  readonly wall: number;
  readonly cpu: number;
}

/** One fresh `node` process timing `await import(specifier)` after `preload`; milliseconds. */
export function measureOnce({ specifier, preload = [] }: ImportRow): Sample {
  const program = [
    ...preload.map((module) => `await import(${JSON.stringify(module)});`),
    'const cpu0 = process.cpuUsage(); const t0 = performance.now();',
    `await import(${JSON.stringify(specifier)});`,
    'const wall = performance.now() - t0; const cpu = process.cpuUsage(cpu0);',
    'console.log(JSON.stringify({ wall, cpu: (cpu.user + cpu.system) / 1000 }));',
  ].join('\n');
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', program], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`importing ${specifier} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Sample;
}

function measureProcess(args: readonly string[]): Sample {
  const t0 = performance.now();
  const result = spawnSync(process.execPath, ['--import', CPU_AT_EXIT, ...args], { cwd: ROOT, encoding: 'utf8' });
  const wall = performance.now() - t0;
  const cpu = /\ncpu ([\d.]+)\n$/.exec(result.stderr)?.[1];
  if (result.status !== 0 || cpu === undefined) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return { wall, cpu: Number(cpu) };
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
  const processes = [
    ...PROCESSES,
    ...(baseline === undefined ? [] : [{ label: `baseline: codex-rx --version`, args: [join(baseline, 'dist/cli/main.js'), '--version'] }]),
  ];
  const samples = rows.map(() => [] as Sample[]);
  const processSamples = processes.map(() => [] as Sample[]);
  for (let round = 0; round < runs; round += 1) {
    progress(`import time: round ${round + 1} of ${runs}`);
    rows.forEach((row, i) => samples[i]!.push(measureOnce(row)));
    processes.forEach(({ args }, i) => processSamples[i]!.push(measureProcess(args)));
  }
  const line = (label: string, measured: readonly Sample[]): string[] => {
    const walls = measured.map((s) => s.wall);
    const cpus = measured.map((s) => s.cpu);
    return [label, millis(median(walls)), millis(Math.min(...walls)), millis(median(cpus)), millis(Math.min(...cpus))];
  };
  const header = ['module', 'wall median', 'wall min', 'CPU median', 'CPU min'];
  const align = ['l', 'r', 'r', 'r', 'r'] as const;
  const optional = ['ws'];
  const loaded = loadedByMainEntry(optional);
  return [
    `### Import time (${runs} fresh processes per row, rows taking turns)`,
    '',
    markdownTable(header, rows.map((row, i) => line(row.label, samples[i]!)), align),
    '',
    'Whole processes, from spawn to exit:',
    '',
    markdownTable(['command', ...header.slice(1)], processes.map((entry, i) => line(entry.label, processSamples[i]!)), align),
    '',
    `Loaded by \`import 'codex-rx'\`: ${optional.map((name) => `${name} ${loaded.includes(name) ? 'yes' : 'no'}`).join(', ')}.`,
    '',
    '_Target: the main entry in ≤ 150 ms. CPU is user + system time of the importing process (V8 compiles on other threads too, so it can exceed wall-clock)._',
  ].join('\n');
}
