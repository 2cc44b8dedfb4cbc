import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** How to start a worker: the executable and its arguments. */
export interface WorkerCommand {
  readonly file: string;
  readonly args: readonly string[];
}

/** The end-to-end workers, by client. */
export type WorkerName = 'codex-rx' | 'bare' | 'codex-sdk';

export interface BuiltWorkers {
  readonly commands: Readonly<Record<WorkerName, WorkerCommand>>;
  /** How the workers run: bundled JavaScript, or TypeScript through tsx when esbuild is missing. */
  readonly mode: 'bundled' | 'tsx';
}

interface EsbuildApi {
  build(options: Record<string, unknown>): Promise<{ errors: unknown[] }>;
}

const SOURCES: Readonly<Record<WorkerName, string>> = {
  'codex-rx': 'worker-codex-rx',
  bare: 'worker-bare',
  'codex-sdk': 'worker-codex-sdk',
};

/**
 * Bundles the workers to plain JavaScript (`bench/.build/*.mjs`, dependencies left to
 * node_modules) so that they run on bare `node`: a TypeScript loader would add its own memory,
 * and a compiler service process, to the process tree being measured. esbuild is the one tsx
 * installs; without it the workers run through tsx, and the memory figures say so.
 */
export async function buildWorkers(): Promise<BuiltWorkers> {
  let esbuild: EsbuildApi | undefined;
  try {
    esbuild = (await import('esbuild' as string)) as EsbuildApi;
  } catch {
    esbuild = undefined;
  }
  const names = Object.keys(SOURCES) as WorkerName[];
  if (esbuild === undefined) {
    const commands = byWorker((name) => ({ file: process.execPath, args: ['--import', 'tsx', join(benchDir, 'e2e', `${SOURCES[name]}.ts`)] }));
    return { commands, mode: 'tsx' };
  }
  const outdir = join(benchDir, '.build');
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: names.map((name) => join(benchDir, 'e2e', `${SOURCES[name]}.ts`)),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
  });
  const commands = byWorker((name) => ({ file: process.execPath, args: [join(outdir, `${SOURCES[name]}.mjs`)] }));
  return { commands, mode: 'bundled' };
}

/**
 * Bundles one worker source (for instance `DIR/bench/e2e/worker-codex-rx.ts` of another checkout,
 * whose relative imports then reach that checkout's `src/`) to `bench/.build/NAME.mjs`; undefined
 * without esbuild.
 */
export async function buildWorkerFrom(source: string, name: string): Promise<WorkerCommand | undefined> {
  let esbuild: EsbuildApi | undefined;
  try {
    esbuild = (await import('esbuild' as string)) as EsbuildApi;
  } catch {
    return undefined;
  }
  const outdir = join(benchDir, '.build');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, `${name}.mjs`);
  await esbuild.build({ entryPoints: [source], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
  return { file: process.execPath, args: [outfile] };
}

function byWorker(command: (name: WorkerName) => WorkerCommand): Record<WorkerName, WorkerCommand> {
  return { 'codex-rx': command('codex-rx'), bare: command('bare'), 'codex-sdk': command('codex-sdk') };
}
