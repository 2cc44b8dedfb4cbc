/**
 * End to end against the peers: the real pinned app-server and the scripted mock model (every
 * turn streams 50 text deltas), N concurrent turns each on its own thread, driven by
 *   (a) codex-rx — one `Codex`, N concurrent `thread.run`;
 *   (b) a bare JSON-RPC client (`bench/e2e/worker-bare.ts`, ~50 lines): the floor;
 *   (c) `@openai/codex-sdk` — one `Codex`, N concurrent `thread.run` (a `codex exec` per run).
 * Every measurement runs in a fresh worker process with a fresh CODEX_HOME, and times two
 * batches of N turns (cold: from launching the server; warm: from the second batch's first
 * request); the mock model runs in this process. The worker reports its times and CPU; this
 * process samples the RSS of the worker and all its descendants every 20 ms for the peak.
 *
 *   npx tsx bench/e2e.ts          (or `npm run bench`, which runs every benchmark)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AppServerHarness } from '../src/testing/app-server-harness.js';
import { MockResponsesServer } from '../src/testing/mock-responses-server.js';
import { resolveCodexBinary } from '../src/transport/codex-binary.js';
import type { WorkerReport } from './e2e/worker-env.js';
import { buildWorkers, type WorkerCommand, type WorkerName } from './lib/build-workers.js';
import { integer, markdownTable, mebibytes, millis, progress, ratio } from './lib/format.js';
import { ProcessTreeSampler } from './lib/process-tree.js';
import { ANSWER_TEXT, benchResponse } from './lib/script.js';
import { median, rotate } from './lib/stats.js';

export interface EndToEndOptions {
  /** Measured rounds (after one warm-up round at the smallest N). */
  readonly rounds?: number;
  readonly concurrencies?: readonly number[];
}

const DEFAULTS = { rounds: 7, concurrencies: [1, 10, 50] } as const;
const CLIENTS: readonly WorkerName[] = ['codex-rx', 'bare', 'codex-sdk'];
const LABELS: Readonly<Record<WorkerName, string>> = {
  'codex-rx': 'codex-rx',
  bare: 'bare JSON-RPC client',
  'codex-sdk': '@openai/codex-sdk',
};
const PROMPT = 'Write one sentence about a fox.';
const WORKER_TIMEOUT_MS = 120_000;
/**
 * On top of the harness's offline config. Every new thread otherwise snapshots the user's login
 * shell (`bash -lc`, running ~/.bashrc): server-side work the same for every client, but it
 * depends on the machine's shell profile, and on this one (pyenv rehash, with a lock polled by
 * `sleep 0.1`) it dominated the wall time and its noise at N = 50.
 */
const SERVER_CONFIG = { features: { shell_snapshot: false } } as const;

export interface Measurement extends WorkerReport {
  readonly peakRssBytes: number;
  readonly peakProcesses: number;
}

/**
 * One measurement: a fresh CODEX_HOME, the worker run to its end with N turns per batch.
 * `nodeArgs` go before the worker's script (for instance `--cpu-prof`).
 */
export async function runWorker(command: WorkerCommand, turns: number, mock: MockResponsesServer, nodeArgs: readonly string[] = []): Promise<Measurement> {
  const harness = await AppServerHarness.create({ mock, config: SERVER_CONFIG });
  try {
    const child = spawn(command.file, [...nodeArgs, ...command.args], {
      cwd: harness.workspace,
      env: {
        ...process.env,
        ...harness.env,
        BENCH_TURNS: String(turns),
        BENCH_CODEX_BIN: resolveCodexBinary(),
        BENCH_CWD: harness.workspace,
        BENCH_EXPECTED_TEXT: ANSWER_TEXT,
        BENCH_PROMPT: PROMPT,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const sampler = new ProcessTreeSampler(child.pid!).start(20);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-8_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), WORKER_TIMEOUT_MS);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(timer);
    sampler.stop();
    const line = stdout.trim().split('\n').at(-1) ?? '';
    if (code !== 0 || !line.startsWith('{')) throw new Error(`worker ${command.args.at(-1)} (N=${turns}) failed with ${code}:\n${stderr}`);
    const report = JSON.parse(line) as WorkerReport;
    return { ...report, peakRssBytes: sampler.peakBytes, peakProcesses: sampler.peakProcesses };
  } finally {
    await harness.dispose();
  }
}

/** Every measurement, by N and client, one per measured round (in round order). */
export interface EndToEndSamples {
  readonly mode: 'bundled' | 'tsx';
  readonly of: (n: number, client: WorkerName, pick: (m: Measurement) => number) => number[];
}

/** Runs the interleaved rounds of the given clients (all three by default) and keeps every measurement. */
export async function sampleEndToEnd(options: EndToEndOptions & { readonly clients?: readonly WorkerName[] } = {}): Promise<EndToEndSamples> {
  const rounds = options.rounds ?? DEFAULTS.rounds;
  const concurrencies = options.concurrencies ?? DEFAULTS.concurrencies;
  const clients = options.clients ?? CLIENTS;
  const workers = await buildWorkers();
  const mock = await MockResponsesServer.start({ whenEmpty: benchResponse });
  const samples = new Map<string, Measurement[]>();
  const key = (n: number, client: WorkerName) => `${n}/${client}`;
  try {
    progress('e2e: warm-up');
    for (const client of clients) await runWorker(workers.commands[client], concurrencies[0]!, mock);
    for (let round = 1; round <= rounds; round += 1) {
      for (const n of concurrencies) {
        for (const client of rotate(clients, round + n)) {
          progress(`e2e: round ${round}/${rounds}, N=${n}, ${client}`);
          const measurement = await runWorker(workers.commands[client], n, mock);
          const list = samples.get(key(n, client)) ?? [];
          list.push(measurement);
          samples.set(key(n, client), list);
        }
      }
    }
  } finally {
    await mock.close();
  }
  return { mode: workers.mode, of: (n, client, pick) => samples.get(key(n, client))!.map(pick) };
}

export async function runEndToEndBench(options: EndToEndOptions = {}): Promise<string> {
  const rounds = options.rounds ?? DEFAULTS.rounds;
  const concurrencies = options.concurrencies ?? DEFAULTS.concurrencies;
  const measured = await sampleEndToEnd(options);
  const workers = { mode: measured.mode };
  const of = measured.of;
  // Ratios inside each round (the clients ran back to back), then the median of those.
  const paired = (n: number, client: WorkerName, pick: (m: Measurement) => number) => {
    const mine = of(n, client, pick);
    const floor = of(n, 'bare', pick);
    return median(mine.map((value, i) => value / floor[i]!));
  };
  const sections: string[] = [];
  for (const n of concurrencies) {
    const rows = CLIENTS.map((client) => [
      LABELS[client],
      millis(median(of(n, client, (m) => m.wallMs))),
      ratio(paired(n, client, (m) => m.wallMs)),
      millis(median(of(n, client, (m) => m.coldMs))),
      ratio(paired(n, client, (m) => m.coldMs)),
      mebibytes(median(of(n, client, (m) => m.peakRssBytes))),
      ratio(paired(n, client, (m) => m.peakRssBytes)),
      integer(median(of(n, client, (m) => m.peakProcesses))),
      `${millis(median(of(n, client, (m) => m.cpuMs)))} / ${millis(median(of(n, client, (m) => m.coldCpuMs)))}`,
    ]);
    sections.push(
      `**N = ${n}** concurrent turn${n === 1 ? '' : 's'}, each on its own thread`,
      '',
      markdownTable(
        ['client', 'warm: first request → last result', '×bare', 'cold: launch → last result', '×bare', 'peak RSS, process tree', '×bare', 'peak processes', 'node CPU warm / cold'],
        rows,
      ),
      '',
    );
  }
  const sdkOver = (n: number, pick: (m: Measurement) => number) => {
    const rx = of(n, 'codex-rx', pick);
    return median(of(n, 'codex-sdk', pick).map((value, i) => value / rx[i]!));
  };
  const versusSdk = concurrencies.map((n) => [
    integer(n),
    ratio(sdkOver(n, (m) => m.wallMs)),
    ratio(sdkOver(n, (m) => m.coldMs)),
    ratio(sdkOver(n, (m) => m.peakRssBytes)),
  ]);
  return [
    '### End to end against the peers',
    '',
    `Real pinned app-server, scripted mock model (50 text deltas per turn); median of ${rounds} interleaved rounds after a warm-up. ` +
      `Each measurement is a fresh worker process (${workers.mode === 'bundled' ? 'bundled to plain JavaScript, run by bare node' : 'run through tsx: its loader and esbuild service are in the RSS'}) ` +
      `with a fresh CODEX_HOME that runs two batches of N concurrent turns, each turn on a new thread. ` +
      `**Cold** is the first batch, timed from before the client launches the app-server (the SDK has nothing to launch ahead: its runs start \`codex exec\` themselves). ` +
      `**Warm** is the second batch on the same client, timed from its first request (\`thread/start\`; the SDK: its first \`run()\`) to its last result: ` +
      `a program that keeps its client open. codex-rx and the bare client send the same requests. ` +
      `Peak RSS is the sum over the worker and all its child processes, sampled every 20 ms over both batches ` +
      `(a sum of RSS counts pages shared between processes, such as the codex binary's, once per process). ` +
      `Node CPU is the worker's own process (not the server). ×bare: median of the per-round ratios to the bare client. ` +
      `The server runs with \`features.shell_snapshot = false\`.`,
    '',
    ...sections,
    '@openai/codex-sdk ÷ codex-rx (median of per-round ratios; above 1 means codex-rx is faster or smaller):',
    '',
    markdownTable(['N', 'warm wall, SDK ÷ codex-rx', 'cold wall, SDK ÷ codex-rx', 'peak RSS, SDK ÷ codex-rx'], versusSdk),
  ].join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rounds = process.env['BENCH_ROUNDS'] === undefined ? undefined : Number(process.env['BENCH_ROUNDS']);
  console.log(await runEndToEndBench({ ...(rounds === undefined ? {} : { rounds }) }));
}
