/**
 * How long a reconnecting client is away after a drop: a turn streams deltas (one every 10 ms)
 * from the real app-server through a loopback TCP proxy, the proxy cuts every connection, and the
 * time from the cut to the first delta received live again is measured (the client reconnects,
 * initializes, resumes the thread and reconciles the turn in between), and to `ready` on
 * `connectionState$`. Several drops per policy; the table shows the median and the spread.
 */
import { Codex } from '../src/client/codex.js';
import '../src/client/node-transport.js';
import { AppServerHarness } from '../src/testing/app-server-harness.js';
import { startListeningAppServer } from '../src/testing/listening-app-server.js';
import { deltas } from '../src/testing/script/deltas.js';
import { response } from '../src/testing/script/response.js';
import type { ReconnectConfig } from '../src/transport/reconnect-config.js';
import { TcpChaosProxy } from '../spec/support/tcp-chaos-proxy.js';
import { markdownTable, millis, progress } from './lib/format.js';
import { median, range } from './lib/stats.js';

/** Options of {@link runReconnectBench}. */
export interface ReconnectBenchOptions {
  /** Drops per policy. Default 15. */
  readonly drops?: number;
}

const POLICIES: readonly { readonly label: string; readonly reconnect: true | ReconnectConfig }[] = [
  { label: 'default policy (first attempt after ~100 ms)', reconnect: true },
  { label: 'first attempt after ~10 ms', reconnect: { initialDelayMs: 10 } },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(reconnect: true | ReconnectConfig, drops: number): Promise<{ streaming: number[]; ready: number[] }> {
  const harness = await AppServerHarness.create();
  const server = await startListeningAppServer(harness);
  const proxy = await TcpChaosProxy.start(Number(new URL(server.url).port));
  const codex = await Codex.connect({ transport: { url: proxy.url, token: server.token }, reconnect });
  try {
    const chunks = Array.from({ length: Math.ceil(((drops + 1) * 600) / 10) }, (_, i) => `${i} `);
    harness.mock.enqueue(response(deltas(chunks, { delayMs: 10 })));
    let lastDelta = 0;
    let lastReady = 0;
    codex.connectionState$.subscribe({ next: (state) => state.state === 'ready' && (lastReady = performance.now()), error: () => undefined });
    const thread = await codex.threadStart({ cwd: harness.workspace });
    const turn = await thread.turn('stream for a while');
    turn.events$.subscribe({ next: (event) => event.method === 'item/agentMessage/delta' && (lastDelta = performance.now()), error: () => undefined });
    const streaming: number[] = [];
    const ready: number[] = [];
    while (lastDelta === 0) await sleep(5);
    for (let i = 0; i < drops; i += 1) {
      await sleep(200);
      const cutAt = performance.now();
      proxy.cutAll();
      // A delta read from the socket's buffer just after the cut is not "streaming again": the
      // first one after the client is back is.
      while (!(lastReady > cutAt && lastDelta > lastReady)) {
        if (performance.now() - cutAt > 10_000) throw new Error('no delta within 10 s of a drop');
        await sleep(1);
      }
      streaming.push(lastDelta - cutAt);
      ready.push(lastReady - cutAt);
      progress(`reconnect: drop ${i + 1}/${drops}: streaming again after ${millis(lastDelta - cutAt)}`);
    }
    await turn.interrupt().catch(() => undefined);
    return { streaming, ready };
  } finally {
    await codex.close();
    await proxy.close();
    await server.stop();
    await harness.dispose();
  }
}

/** Runs the benchmark and returns its markdown section. */
export async function runReconnectBench(options: ReconnectBenchOptions = {}): Promise<string> {
  const drops = options.drops ?? 15;
  const rows: string[][] = [];
  for (const { label, reconnect } of POLICIES) {
    const { streaming, ready } = await measure(reconnect, drops);
    const [low, high] = range(streaming);
    rows.push([label, String(drops), millis(median(ready)), millis(median(streaming)), `${millis(low)} – ${millis(high)}`]);
  }
  return [
    '### Reconnect latency (drop → streaming again)',
    '',
    'A turn streams a delta every 10 ms from the real app-server through a loopback TCP proxy that cuts every connection; measured from the cut to `ready` on `connectionState$` and to the first live delta after that.',
    '',
    markdownTable(['policy', 'drops', 'to ready (median)', 'to streaming (median)', 'to streaming (min – max)'], rows, ['l', 'r', 'r', 'r', 'r']),
  ].join('\n');
}
