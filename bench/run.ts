/**
 * Runs every benchmark of codex-rx and prints markdown tables on stdout (progress goes to
 * stderr): the frame pipeline against the raw JSON limit, end to end against a bare JSON-RPC
 * client and @openai/codex-sdk on the real app-server, memory per turn, and 1,000 concurrent
 * thread starts and runs on one connection (`BENCH_CONCURRENT_LIMITS=16,64,Infinity` compares limits).
 *
 *   npm run bench                           all of them (a few minutes)
 *   npm run bench -- pipeline memory        some of them: pipeline, e2e, memory, concurrent, import, fleet, bundle, reconnect, web, partial, tools, telemetry
 *   BENCH_ROUNDS=3 npm run bench            fewer rounds (pipeline, e2e, import), for a quick look
 *   IMPORT_BASELINE=DIR npm run bench -- import   import time beside another build (DIR/dist/index.js)
 *   npm run bench -- guard [--update]      the regression guard against bench/baseline.json (or rewrite it)
 *
 * The memory benchmark needs `global.gc`: without `--expose-gc` this script re-spawns itself
 * with it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import { limitsFromEnv, runConcurrentBench } from './concurrent.js';
import { runEndToEndBench } from './e2e.js';
import { runImportTimeBench } from './import-time.js';
import { runFleetBench } from './fleet.js';
import { runGuard } from './guard.js';
import { runBrowserBundleBench } from './lib/browser-bundle.js';
import { progress } from './lib/format.js';
import { hasGc } from './lib/stats.js';
import { runMemoryBench } from './memory.js';
import { runPartialBench } from './partial.js';
import { runPipelineBench } from './pipeline.js';
import { runReconnectBench } from './reconnect.js';
import { runWebBench } from './web.js';
import { runToolsBench } from './tools.js';
import { runTelemetryBench } from './telemetry.js';

const BENCHMARKS = ['pipeline', 'e2e', 'memory', 'concurrent', 'import', 'fleet', 'bundle', 'reconnect', 'web', 'partial', 'tools', 'telemetry', 'guard'] as const;
type Benchmark = (typeof BENCHMARKS)[number];

if (!hasGc()) {
  const result = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = requested.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}
// The guard runs only when asked for: it repeats parts of the others.
const selected = new Set<Benchmark>(requested.length === 0 ? BENCHMARKS.filter((name) => name !== 'guard') : (requested as Benchmark[]));
const rounds = process.env['BENCH_ROUNDS'] === undefined ? undefined : Number(process.env['BENCH_ROUNDS']);

function pinnedCodexVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (JSON.parse(readFileSync(require.resolve('@openai/codex/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
  return [
    `- nproc: ${availableParallelism()}; CPU: ${cpu}; memory: ${memory}`,
    `- node ${process.version} (V8 ${process.versions.v8}), Linux ${release()}`,
    `- @openai/codex ${pinnedCodexVersion()} (the pinned app-server)`,
  ].join('\n');
}

const began = performance.now();
const loadAtStart = loadavg()[0]!.toFixed(2);
console.log(`## codex-rx benchmarks (${new Date().toISOString().slice(0, 10)})\n\n${machine()}\n`);
if (selected.has('pipeline')) {
  console.log(`${await runPipelineBench({ ...(rounds === undefined ? {} : { rounds }) })}\n`);
}
if (selected.has('e2e')) {
  console.log(`${await runEndToEndBench({ ...(rounds === undefined ? {} : { rounds }) })}\n`);
}
if (selected.has('memory')) {
  console.log(`${await runMemoryBench()}\n`);
}
if (selected.has('import')) {
  const baseline = process.env['IMPORT_BASELINE'];
  console.log(`${await runImportTimeBench({ ...(baseline === undefined ? {} : { baseline }), ...(rounds === undefined ? {} : { runs: rounds }) })}\n`);
}
if (selected.has('fleet')) {
  console.log(`${await runFleetBench()}\n`);
}
if (selected.has('concurrent')) {
  const limits = limitsFromEnv();
  console.log(`${await runConcurrentBench(limits === undefined ? {} : { limits })}\n`);
}
if (selected.has('reconnect')) {
  console.log(`${await runReconnectBench()}\n`);
}
if (selected.has('web')) {
  console.log(`${await runWebBench()}\n`);
}
if (selected.has('partial')) {
  console.log(`${await runPartialBench({ ...(rounds === undefined ? {} : { rounds }) })}\n`);
}
if (selected.has('tools')) {
  console.log(`${await runToolsBench({ ...(rounds === undefined ? {} : { rounds }) })}\n`);
}
if (selected.has('guard')) {
  console.log(`${await runGuard({ update: process.argv.includes('--update'), ...(rounds === undefined ? {} : { rounds }) })}\n`);
}
if (selected.has('telemetry')) {
  console.log(`${await runTelemetryBench({ ...(rounds === undefined ? {} : { rounds }) })}\n`);
}
if (selected.has('bundle')) {
  console.log(`${await runBrowserBundleBench()}\n`);
}
const seconds = (performance.now() - began) / 1000;
console.log(
  `_All benchmarks above ran in one process run, in ${seconds.toFixed(0)} s. Load average (1 min) before it started: ${loadAtStart} ` +
    `(on a shared machine, other work competes for the same cores; the benchmark's own processes raise it later)._`,
);
progress(`done in ${seconds.toFixed(0)} s`);
