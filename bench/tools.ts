/**
 * Client-side tools: what answering a tool call through `tool()` costs against a bare client
 * answering the same `item/tool/call` request. Both run against the real pinned app-server and
 * the scripted mock model: turns in which the model calls a tool `CALLS` times one after the
 * other, then answers. Measured per client, rounds alternating:
 *   - in-client latency: from the `item/tool/call` frame reaching the client's transport to the
 *     answer written to it (the client's whole overhead: decoding, routing, argument validation
 *     with zod, running the tool, building the answer);
 *   - the turn's wall time, server and model included.
 * The bare client is a transport and ~30 lines: it answers every call at once, unvalidated.
 *
 *   npm run bench -- tools
 */
import { filter, firstValueFrom, Observable } from 'rxjs';
import { z } from 'zod';
import { Codex } from '../dist/client/codex.js';
import '../dist/client/node-transport.js';
import { tool } from '../dist/client/tool.js';
import { StdioTransport } from '../dist/transport/stdio-transport.js';
import type { JsonRpcMessage } from '../dist/jsonrpc/json-rpc-message.js';
import type { Transport } from '../dist/transport/transport.js';
import { AppServerHarness } from '../src/testing/app-server-harness.js';
import { assistantMessage } from '../src/testing/script/assistant-message.js';
import { functionCall } from '../src/testing/script/function-call.js';
import { response } from '../src/testing/script/response.js';
import { markdownTable, progress, ratio } from './lib/format.js';
import { median } from './lib/stats.js';

export interface ToolsBenchOptions {
  readonly rounds?: number;
  readonly calls?: number;
}

const DEFAULTS = { rounds: 5, calls: 20 } as const;
const SERVER_CONFIG = { features: { shell_snapshot: false } } as const;
const SPEC = { type: 'function', name: 'echo', description: 'Echoes n', inputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } } as const;

/** Wraps a transport and times each `item/tool/call` from its frame in to its answer out, in µs. */
class TimingTransport implements Transport {
  readonly latenciesUs: number[] = [];
  readonly frames$: Observable<JsonRpcMessage>;
  readonly diagnostics$: Transport['diagnostics$'];
  private readonly arrived = new Map<unknown, number>();

  constructor(private readonly inner: Transport) {
    this.diagnostics$ = inner.diagnostics$;
    this.frames$ = new Observable<JsonRpcMessage>((subscriber) =>
      inner.frames$.subscribe({
        next: (frame) => {
          if ('method' in frame && frame.method === 'item/tool/call' && 'id' in frame) this.arrived.set(frame.id, performance.now());
          subscriber.next(frame);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
  }

  send(message: JsonRpcMessage): void {
    const at = 'id' in message && !('method' in message) ? this.arrived.get(message.id) : undefined;
    this.inner.send(message);
    if (at !== undefined) {
      this.latenciesUs.push((performance.now() - at) * 1_000);
      this.arrived.delete((message as { id: unknown }).id);
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function enqueueTurn(harness: AppServerHarness, calls: number): void {
  for (let n = 0; n < calls; n += 1) harness.mock.enqueue(response(functionCall('echo', { n })));
  harness.mock.enqueue(response(assistantMessage('done')));
}

async function viaTool(harness: AppServerHarness, calls: number): Promise<{ latenciesUs: number[]; turnMs: number }> {
  let timing!: TimingTransport;
  const codex = await Codex.connect({ transport: () => (timing = new TimingTransport(new StdioTransport({ env: harness.env, cwd: harness.workspace }))) });
  try {
    const echo = tool({ name: 'echo', description: 'Echoes n', input: z.object({ n: z.number() }), run: ({ n }) => `n=${n}` });
    const thread = await codex.threadStart({ tools: [echo] });
    enqueueTurn(harness, calls);
    const began = performance.now();
    await thread.run('call echo');
    return { latenciesUs: timing.latenciesUs, turnMs: performance.now() - began };
  } finally {
    await codex.close();
  }
}

async function viaBareClient(harness: AppServerHarness, calls: number): Promise<{ latenciesUs: number[]; turnMs: number }> {
  const transport = new TimingTransport(new StdioTransport({ env: harness.env, cwd: harness.workspace }));
  const answers = new Map<unknown, (result: unknown) => void>();
  let nextId = 1;
  const request = (method: string, params: unknown) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const id = nextId++;
      answers.set(id, resolve as (result: unknown) => void);
      transport.send({ id, method, params } as JsonRpcMessage);
    });
  const frames = transport.frames$.subscribe((frame) => {
    const message = frame as { id?: unknown; method?: string; params?: { arguments?: { n?: number } }; result?: unknown };
    if (message.method === 'item/tool/call') {
      transport.send({ id: message.id, result: { success: true, contentItems: [{ type: 'inputText', text: `n=${message.params?.arguments?.n}` }] } } as JsonRpcMessage);
    } else if (message.method === undefined) {
      answers.get(message.id)?.(message.result);
    }
  });
  try {
    await request('initialize', { clientInfo: { name: 'bare', version: '0' }, capabilities: { experimentalApi: true } });
    transport.send({ method: 'initialized' } as JsonRpcMessage);
    // The thread codex-rx starts by default (ApprovalMode.autoReview), so both servers do the same work.
    const { thread } = (await request('thread/start', { dynamicTools: [SPEC], approvalPolicy: 'on-request', approvalsReviewer: 'auto_review' })) as { thread: { id: string } };
    enqueueTurn(harness, calls);
    const began = performance.now();
    const completed = firstValueFrom(transport.frames$.pipe(filter((frame) => 'method' in frame && frame.method === 'turn/completed')));
    await request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'call echo', text_elements: [] }] });
    await completed;
    return { latenciesUs: transport.latenciesUs, turnMs: performance.now() - began };
  } finally {
    frames.unsubscribe();
    await transport.close();
  }
}

export async function runToolsBench(options: ToolsBenchOptions = {}): Promise<string> {
  const { rounds, calls } = { ...DEFAULTS, ...options };
  const harness = await AppServerHarness.create({ config: SERVER_CONFIG });
  const results = { tool: { latencies: [] as number[], turns: [] as number[] }, bare: { latencies: [] as number[], turns: [] as number[] } };
  try {
    // One warm-up each, not counted: the first launch pays for the page cache.
    await viaTool(harness, 2);
    await viaBareClient(harness, 2);
    for (let round = 0; round < rounds; round += 1) {
      progress(`tools: round ${round + 1}/${rounds}`);
      const order = round % 2 === 0 ? (['tool', 'bare'] as const) : (['bare', 'tool'] as const);
      for (const client of order) {
        const measured = client === 'tool' ? await viaTool(harness, calls) : await viaBareClient(harness, calls);
        if (measured.latenciesUs.length !== calls) throw new Error(`${client}: ${measured.latenciesUs.length} of ${calls} calls answered`);
        results[client].latencies.push(...measured.latenciesUs);
        results[client].turns.push(measured.turnMs);
      }
    }
  } finally {
    await harness.dispose();
  }
  const us = (value: number) => `${value.toFixed(0)} µs`;
  const p90 = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)] ?? NaN;
  const table = markdownTable(
    ['client', 'in-client latency (median)', 'p90', `turn of ${calls} calls (median)`, 'turn vs bare'],
    (['tool', 'bare'] as const).map((client) => [
      client === 'tool' ? 'codex-rx `tool()` (zod-validated)' : 'bare JSON-RPC client',
      us(median(results[client].latencies)),
      us(p90(results[client].latencies)),
      `${median(results[client].turns).toFixed(0)} ms`,
      ratio(median(results[client].turns) / median(results.bare.turns)),
    ]),
    ['l', 'r', 'r', 'r', 'r'],
  );
  return `### Client-side tools: a tool call's round trip (${rounds} rounds × ${calls} calls)\n\n${table}`;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await runToolsBench());
