/**
 * Many concurrent calls on one connection: N concurrent `threadStart()` + `run()` (each turn on
 * its own thread) through one `Codex` on the real pinned app-server, against the scripted model.
 * Prints the wall time and whether every call completed with its own answer, for each
 * `maxInFlightRequests` limit asked for (the default limit unless `BENCH_CONCURRENT_LIMITS` lists
 * others, e.g. `16,64,128,Infinity`; with `Infinity` the connection's overload retries are off too,
 * as without admission control).
 *
 *   node --import tsx bench/concurrent.ts
 */
import { fileURLToPath } from 'node:url';
import { DEFAULT_RPC_CONNECTION_CONFIG } from '../src/connection/rpc-connection-config.js';
import { assistantMessage } from '../src/testing/script/assistant-message.js';
import { response } from '../src/testing/script/response.js';
import { startScriptedCodex } from '../src/testing/scripted-codex.js';
import { integer, markdownTable, progress } from './lib/format.js';

export interface ConcurrentOptions {
  /** Concurrent thread starts and runs. */
  readonly count?: number;
  /** The `maxInFlightRequests` limits to measure, one row each. */
  readonly limits?: readonly number[];
}

const DEFAULTS = { count: 1_000, limits: [DEFAULT_RPC_CONNECTION_CONFIG.maxInFlightRequests] } as const;

interface Row {
  readonly limit: number;
  readonly seconds: number;
  readonly correct: number;
  readonly wrong: number;
  readonly failures: ReadonlyMap<string, number>;
}

async function measure(count: number, limit: number): Promise<Row> {
  const scripted = await startScriptedCodex({
    codex: {
      maxInFlightRequests: limit,
      ...(limit === Infinity ? { maxOverloadRetries: 0 } : {}),
      requestTimeoutMs: DEFAULT_RPC_CONNECTION_CONFIG.requestTimeoutMs,
    },
  });
  try {
    const { codex, mock } = scripted;
    for (let i = 0; i < count; i += 1) {
      mock.enqueueMatching((request) => request.userTexts().includes(`prompt ${i}`), response(assistantMessage(`answer ${i}`)));
    }
    const began = performance.now();
    const outcomes = await Promise.allSettled(
      Array.from({ length: count }, async (_, i) => {
        const thread = await codex.threadStart();
        return (await thread.run(`prompt ${i}`)).finalResponse === `answer ${i}`;
      }),
    );
    const seconds = (performance.now() - began) / 1000;
    const failures = new Map<string, number>();
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        const name = (outcome.reason as Error)?.constructor?.name ?? 'unknown';
        failures.set(name, (failures.get(name) ?? 0) + 1);
      }
    }
    const correct = outcomes.filter((o) => o.status === 'fulfilled' && o.value).length;
    const wrong = outcomes.filter((o) => o.status === 'fulfilled' && !o.value).length;
    return { limit, seconds, correct, wrong, failures };
  } finally {
    await scripted.dispose();
  }
}

/** Runs the benchmark and returns its markdown section. */
export async function runConcurrentBench(options: ConcurrentOptions = {}): Promise<string> {
  const count = options.count ?? DEFAULTS.count;
  const limits = options.limits ?? DEFAULTS.limits;
  const rows: Row[] = [];
  for (const limit of limits) {
    progress(`concurrent: ${integer(count)} threadStart() + run(), maxInFlightRequests ${limit}`);
    rows.push(await measure(count, limit));
  }
  const table = markdownTable(
    ['maxInFlightRequests', 'calls', 'wall time', 'correct answers', 'wrong answers', 'failed'],
    rows.map((row) => [
      String(row.limit),
      integer(count),
      `${row.seconds.toFixed(1)} s`,
      integer(row.correct),
      integer(row.wrong),
      row.failures.size === 0 ? '0' : [...row.failures].map(([name, n]) => `${integer(n)} ${name}`).join(', '),
    ]),
  );
  return [
    `### Concurrent calls on one connection`,
    '',
    `${integer(count)} concurrent \`threadStart()\` + \`run()\` (each on its own thread) through one \`Codex\` on the real app-server, scripted model; ` +
      `the request timeout is the default (${DEFAULT_RPC_CONNECTION_CONFIG.requestTimeoutMs / 1000} s).`,
    '',
    table,
  ].join('\n');
}

/** The limits listed in `BENCH_CONCURRENT_LIMITS`, if any. */
export function limitsFromEnv(): number[] | undefined {
  const raw = process.env['BENCH_CONCURRENT_LIMITS'];
  return raw === undefined ? undefined : raw.split(',').map((limit) => Number(limit.trim()));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const limits = limitsFromEnv();
  const count = process.env['BENCH_CONCURRENT_COUNT'] === undefined ? undefined : Number(process.env['BENCH_CONCURRENT_COUNT']);
  console.log(await runConcurrentBench({ ...(limits === undefined ? {} : { limits }), ...(count === undefined ? {} : { count }) }));
}

