import { z } from 'zod';
import { ApprovalMode } from '../../src/client/approval-mode.js';
import { Codex } from '../../src/client/codex.js';
import '../../src/client/node-transport.js';
import { Sandbox } from '../../src/client/sandbox.js';
import type { Thread } from '../../src/client/thread.js';
import { tool } from '../../src/client/tool.js';
import { ConnectionLostError } from '../../src/errors/connection-lost-error.js';
import type { ThreadItem } from '../../src/protocol/generated/codecs.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { startListeningAppServer, type ListeningAppServer } from '../../src/testing/listening-app-server.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { gate } from '../../src/testing/script/gate.js';
import { functionCall } from '../../src/testing/script/function-call.js';
import { response } from '../../src/testing/script/response.js';
import { WebSocketTransport } from '../../src/transport/websocket-transport.js';
import type { TurnResult } from '../../src/turns/turn-result.js';
import { FrameFaults } from '../support/frame-faults.js';
import { TcpChaosProxy } from '../support/tcp-chaos-proxy.js';
import { until } from './reconnect-fixture.js';

/**
 * A reconnecting client on the real app-server, with frame-exact faults (`FrameFaults`), approval
 * handlers that accept, and a client-side tool that counts its runs: what the attacks on the
 * reconnection share.
 */
export interface AttackFixture {
  readonly codex: Codex;
  readonly harness: AppServerHarness;
  readonly faults: FrameFaults;
  readonly proxy: TcpChaosProxy;
  /** Cuts every connection now, counted in `faults.cuts`. */
  cutNow(): void;
  /** Messages the client has received from the server, over every connection. */
  frames(): number;
  /** How often the client became ready. */
  readies(): number;
  /** Rounds run so far: keys of turns are unique across rounds. */
  round: number;
  /** Runs of the `lookup` tool, by key. */
  readonly toolRuns: Map<string, number>;
  /** How long each run of `lookup` takes, and a hook called when one starts. */
  toolDelayMs: number;
  onToolRun: ((key: string) => void) | undefined;
  newThread(): Promise<Thread>;
  /** Model requests that came from a thread so far. */
  requestsOf(thread: Thread): number;
  dispose(): Promise<void>;
}

export async function startAttackFixture(): Promise<AttackFixture> {
  const harness = await AppServerHarness.create();
  const server: ListeningAppServer = await startListeningAppServer(harness);
  const proxy = await TcpChaosProxy.start(Number(new URL(server.url).port));
  const faults = new FrameFaults(proxy);
  let frames = 0;
  let readies = 0;
  const toolRuns = new Map<string, number>();
  const state = { toolDelayMs: 0, onToolRun: undefined as ((key: string) => void) | undefined };
  const lookup = tool({
    name: 'lookup',
    description: 'Looks a key up',
    input: z.object({ key: z.string() }),
    run: async ({ key }) => {
      toolRuns.set(key, (toolRuns.get(key) ?? 0) + 1);
      state.onToolRun?.(key);
      if (state.toolDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.toolDelayMs));
      return `value of ${key}`;
    },
  });
  const codex = await Codex.connect({
    transport: async () => {
      const transport = faults.wrap(await WebSocketTransport.connect(proxy.url, { token: server.token }));
      transport.frames$.subscribe({ next: () => (frames += 1), error: () => undefined });
      return transport;
    },
    reconnect: { maxAttempts: 50, initialDelayMs: 10, maxDelayMs: 200, jitter: 0 },
  });
  codex.connectionState$.subscribe((status) => status.state === 'ready' && (readies += 1));
  await codex.setServerRequestHandler('item/commandExecution/requestApproval', () => ({ decision: 'accept' }));
  await codex.setServerRequestHandler('item/fileChange/requestApproval', () => ({ decision: 'accept' }));
  const fixture: AttackFixture = {
    codex,
    harness,
    faults,
    proxy,
    cutNow: () => {
      faults.cuts += 1;
      proxy.cutAll();
    },
    frames: () => frames,
    readies: () => readies,
    round: 0,
    toolRuns,
    get toolDelayMs() {
      return state.toolDelayMs;
    },
    set toolDelayMs(ms: number) {
      state.toolDelayMs = ms;
    },
    get onToolRun() {
      return state.onToolRun;
    },
    set onToolRun(hook: ((key: string) => void) | undefined) {
      state.onToolRun = hook;
    },
    newThread: () => codex.threadStart({ cwd: harness.workspace, sandbox: Sandbox.readOnly, tools: [lookup] }),
    requestsOf: (thread) => harness.mock.requests.filter((request) => request.headers['thread-id'] === thread.id).length,
    dispose: async () => {
      await codex.close();
      await proxy.close();
      await server.stop();
      await harness.dispose();
    },
  };
  return fixture;
}

/** How many model requests the scripted turn makes. */
export const REQUESTS_PER_TURN = 3;

/**
 * The scripted turn of one thread, tied to it: deltas and an approved command with output, a
 * call of the client-side tool, deltas again.
 */
export function enqueueTurn(fixture: AttackFixture, thread: Thread, key: string): void {
  fixture.harness.mock.enqueueMatching(
    (request) => request.headers['thread-id'] === thread.id,
    response(deltas(['Looking ', 'around.'], { id: `msg_intro_${key}` }), execCommand(`echo output-of-${key}`, { callId: `call_echo_${key}` })),
    response(functionCall('lookup', { key }, { callId: `call_lookup_${key}` })),
    response(deltas(['Done ', `with ${key}.`], { id: `msg_final_${key}` })),
  );
}

/** What the promise says must not differ from an uncut run: status, answer, each item's kind, final status and output (in any order). */
export function shape(result: TurnResult): unknown {
  const item = (it: ThreadItem): string => {
    switch (it.type) {
      case 'userMessage':
        return JSON.stringify(['userMessage', it.content.map((part) => (part.type === 'text' ? part.text : part.type)).join('')]);
      case 'agentMessage':
        return JSON.stringify(['agentMessage', it.text]);
      case 'commandExecution':
        // The shell may print environment noise (a read-only pyenv shim dir) before the output.
        return JSON.stringify(['commandExecution', it.status, it.exitCode, (it.aggregatedOutput ?? '').split('\n').filter((line) => !line.startsWith('pyenv:')).join('\n')]);
      case 'dynamicToolCall':
        return JSON.stringify(['dynamicToolCall', it.tool, it.status, it.success, (it.contentItems ?? []).map((part) => (part.type === 'inputText' ? part.text : part.type))]);
      default:
        return JSON.stringify([it.type]);
    }
  };
  return { status: result.status, finalResponse: result.finalResponse, items: result.items.map(item).sort() };
}

/** The shape of the uncut scripted turn for `key`. */
export function expectedShape(key: string): unknown {
  return {
    status: 'completed',
    finalResponse: `Done with ${key}.`,
    items: [
      JSON.stringify(['userMessage', `run the script for ${key}`]),
      JSON.stringify(['agentMessage', 'Looking around.']),
      JSON.stringify(['commandExecution', 'completed', 0, `output-of-${key}\n`]),
      JSON.stringify(['dynamicToolCall', 'lookup', 'completed', true, [`value of ${key}`]]),
      JSON.stringify(['agentMessage', `Done with ${key}.`]),
    ].sort(),
  };
}

/** One turn's outcome under attack: its result (or error), and how often each item completed. */
export interface Outcome {
  readonly key: string;
  readonly thread: Thread;
  readonly result: TurnResult | Error;
  readonly completions: Map<string, number>;
}

/** Starts the scripted turn on `thread` with `turn()` + `run()`, counting item completions. */
export async function runScripted(fixture: AttackFixture, thread: Thread, key: string): Promise<Outcome> {
  const completions = new Map<string, number>();
  const result = await (async () => {
    const turn = await thread.turn(`run the script for ${key}`, { approvalMode: ApprovalMode.askUser });
    turn.events$.subscribe({
      next: (event) => {
        if (event.method === 'item/completed') completions.set(event.params.item.id, (completions.get(event.params.item.id) ?? 0) + 1);
      },
      error: () => undefined,
    });
    return turn.run();
  })().catch((error: unknown) => error as Error);
  return { key, thread, result, completions };
}

/** Rejects after `ms`, naming what hung. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no end within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What broke the promise for one outcome, as lines (empty when it held). A `ConnectionLostError`
 * is allowed only when the `turn/start` never reached the server: then the model was not asked.
 */
export function breaches(fixture: AttackFixture, outcome: Outcome, requestsBefore: number, label: string): string[] {
  const { key, thread, result, completions } = outcome;
  const asked = fixture.requestsOf(thread) - requestsBefore;
  if (result instanceof ConnectionLostError) return asked === 0 ? [] : [`${label} ${key}: ConnectionLostError, but the model was asked ${asked} time(s)`];
  if (result instanceof Error) return [`${label} ${key}: ${result.name}: ${result.message}`];
  const out: string[] = [];
  const got = shape(result);
  if (JSON.stringify(got) !== JSON.stringify(expectedShape(key))) out.push(`${label} ${key}: result ${JSON.stringify(got)}`);
  const repeated = [...completions].filter(([, count]) => count !== 1);
  if (repeated.length > 0) out.push(`${label} ${key}: items completed more than once: ${JSON.stringify(repeated)}`);
  if ((fixture.toolRuns.get(key) ?? 0) !== 1) out.push(`${label} ${key}: the tool ran ${fixture.toolRuns.get(key) ?? 0} times`);
  if (asked !== REQUESTS_PER_TURN) out.push(`${label} ${key}: ${asked} model requests, ${REQUESTS_PER_TURN} expected`);
  return out;
}

/** Waits for the client to be ready again after a cut made since `readiesBefore`, so the next round starts on a live connection. */
export async function settle(fixture: AttackFixture, cutsBefore: number, readiesBefore: number): Promise<void> {
  if (fixture.faults.cuts !== cutsBefore) await until('ready again', () => fixture.readies() > readiesBefore, 15_000);
}

/**
 * One round: a scripted turn on each thread at once, `arm` placing the faults; returns what
 * broke, including fewer cuts than `cutsExpected` (an attack that missed its mark).
 */
export async function concurrentRound(fixture: AttackFixture, threads: readonly Thread[], label: string, arm: () => void, cutsExpected = 1): Promise<string[]> {
  fixture.round += 1;
  const keys = threads.map((_, i) => `r${fixture.round}t${i}`);
  threads.forEach((thread, i) => enqueueTurn(fixture, thread, keys[i]!));
  const before = threads.map((thread) => fixture.requestsOf(thread));
  const cuts = fixture.faults.cuts;
  const readies = fixture.readies();
  arm();
  const outcomes = await within(Promise.all(threads.map((thread, i) => runScripted(fixture, thread, keys[i]!))), 30_000, label);
  fixture.faults.disarm();
  const failures = outcomes.flatMap((outcome, i) => breaches(fixture, outcome, before[i]!, label));
  if (fixture.faults.cuts - cuts < cutsExpected) failures.push(`${label}: ${fixture.faults.cuts - cuts} cut(s), ${cutsExpected} expected`);
  await settle(fixture, cuts, readies);
  // A turn that never reached the server: run again, once, on the live connection, with the same
  // prompt and the scripts still queued; counted from before the first call, so that a first call
  // that did reach the server after all shows as a second run of the prompt.
  for (const [i, outcome] of outcomes.entries()) {
    if (!(outcome.result instanceof Error) || failures.some((line) => line.includes(outcome.key))) continue;
    const again = await within(runScripted(fixture, threads[i]!, keys[i]!), 30_000, `${label} retry`);
    failures.push(...breaches(fixture, again, before[i]!, `${label} (retried)`));
  }
  return failures;
}

/**
 * A turn of two agent messages on a fresh thread, the connection cut exactly where the first
 * one's `item/completed` arrives (so the client never sees it live); the second message waits
 * until the new connection has asked to resume the thread (and the server has taken that in), and the resume answers come
 * `resumeDelayMs` late. Returns the turn's result and how many times the model was asked.
 */
export async function lostFirstMessage(fixture: AttackFixture, resumeDelayMs: number): Promise<{ result: TurnResult; asked: number; cut: boolean }> {
  fixture.round += 1;
  const key = `m${fixture.round}`;
  const thread = await fixture.newThread();
  const hold = gate(`second message of ${key}`);
  fixture.harness.mock.enqueueMatching(
    (request) => request.headers['thread-id'] === thread.id,
    response(deltas(['Looking ', 'around.'], { id: `msg_intro_${key}` }), hold, deltas(['Done ', `with ${key}.`], { id: `msg_final_${key}` })),
  );
  const cuts = fixture.faults.cuts;
  const readies = fixture.readies();
  fixture.faults.cutBefore((message) => {
    const item = (message as { method?: string; params?: { item?: { type?: string; text?: string } } }).params?.item;
    return (message as { method?: string }).method === 'item/completed' && item?.type === 'agentMessage' && item.text === 'Looking around.';
  });
  fixture.faults.resumeDelayMs = resumeDelayMs;
  // A little after the resume went out: the server has then attached the new connection to the
  // thread, so the second message reaches it live (opened at once, it may be sent before that).
  fixture.faults.onResumeSent = () => void setTimeout(() => hold.open(), 150);
  // Opens the gate anyway if the cut never comes, so that a wrong premise fails rather than hangs.
  const fallback = setTimeout(() => hold.open(), 8_000);
  try {
    const result = await within(thread.run(`say two things, ${key}`), 30_000, key);
    await settle(fixture, cuts, readies);
    return { result, asked: fixture.requestsOf(thread), cut: fixture.faults.cuts > cuts };
  } finally {
    clearTimeout(fallback);
    hold.open();
    fixture.faults.disarm();
    fixture.faults.onResumeSent = undefined;
    fixture.faults.resumeDelayMs = 0;
  }
}
