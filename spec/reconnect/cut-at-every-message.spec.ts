import { expect } from 'chai';
import { z } from 'zod';
import { ApprovalMode } from '../../src/client/approval-mode.js';
import { Codex } from '../../src/client/codex.js';
import '../../src/client/node-transport.js';
import { Sandbox } from '../../src/client/sandbox.js';
import type { Thread } from '../../src/client/thread.js';
import { tool } from '../../src/client/tool.js';
import { ConnectionLostError } from '../../src/errors/connection-lost-error.js';
import { EphemeralThreadLostError } from '../../src/errors/ephemeral-thread-lost-error.js';
import type { ThreadItem } from '../../src/protocol/generated/codecs.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { startListeningAppServer, type ListeningAppServer } from '../../src/testing/listening-app-server.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { functionCall } from '../../src/testing/script/function-call.js';
import { response } from '../../src/testing/script/response.js';
import { WebSocketTransport } from '../../src/transport/websocket-transport.js';
import type { TurnResult } from '../../src/turns/turn-result.js';
import { isReconstructed } from '../../src/turns/is-reconstructed.js';
import { FrameFaults } from '../support/frame-faults.js';
import { TcpChaosProxy } from '../support/tcp-chaos-proxy.js';
import { until } from './reconnect-fixture.js';

const debugLog: string[] = [];
const PATCH = ['*** Begin Patch', '*** Add File: patched.txt', '+patched by the model', '*** End Patch'].join('\n');

/** Each run of the client-side tool, by the key the model asked for (a key per turn). */
const toolRuns = new Map<string, number>();
const lookup = tool({
  name: 'lookup',
  description: 'Looks a key up',
  input: z.object({ key: z.string() }),
  run: ({ key }) => {
    toolRuns.set(key, (toolRuns.get(key) ?? 0) + 1);
    return `value of ${key}`;
  },
});

/**
 * The scripted turn: deltas, a command with output (approved), a file change by apply_patch
 * (approved), a call of a client-side tool, deltas again.
 */
function enqueueTurn(harness: AppServerHarness, file: string): void {
  harness.mock.enqueue(
    response(deltas(['Looking ', 'around.'], { id: 'msg_intro' }), execCommand('echo cut-probe-output', { callId: 'call_echo' })),
    response(execCommand(`apply_patch <<'EOF'\n${PATCH.replace('patched.txt', file)}\nEOF`, { callId: 'call_patch' })),
    response(functionCall('lookup', { key: file }, { callId: `call_lookup_${file}` })),
    response(deltas(['All ', 'done.'], { id: 'msg_final' })),
  );
}

/** What must not differ between a cut run and the uncut one: status, answer, and each item's kind, final status and output. */
function shape(result: TurnResult): unknown {
  const item = (it: ThreadItem): unknown => {
    switch (it.type) {
      case 'userMessage':
        return ['userMessage', it.content.map((part) => (part.type === 'text' ? part.text : part.type)).join('')];
      case 'agentMessage':
        return ['agentMessage', it.text];
      case 'commandExecution':
        // The shell may print environment noise (a read-only pyenv shim dir) before the output.
        return ['commandExecution', it.status, it.exitCode, (it.aggregatedOutput ?? '').split('\n').filter((line) => !line.startsWith('pyenv:')).join('\n')];
      case 'fileChange':
        return ['fileChange', it.status, it.changes.map((change) => change.kind.type)];
      case 'dynamicToolCall':
        return ['dynamicToolCall', it.tool, it.status, it.success, (it.contentItems ?? []).map((part) => (part.type === 'inputText' ? part.text : part.type))];
      default:
        return [it.type];
    }
  };
  return { status: result.status, finalResponse: result.finalResponse, items: result.items.map(item) };
}

/** The shape with its items in a fixed order. */
function sorted(value: unknown): unknown {
  const { items, ...rest } = value as { items: unknown[] };
  return { ...rest, items: items.map((item) => JSON.stringify(item)).sort() };
}

type ThreadKind = 'no turn yet' | 'with a turn, resumed' | 'forked';
const KINDS: readonly ThreadKind[] = ['no turn yet', 'with a turn, resumed', 'forked'];

describe('reconnect: a cut after every message of a turn (deltas, a command with output, a file change, approvals, a client-side tool)', function () {
  this.timeout(240_000);
  let harness: AppServerHarness;
  let server: ListeningAppServer;
  let proxy: TcpChaosProxy;
  let cutter: FrameFaults;
  let codex: Codex;
  let frames = 0;
  let readyCount = 0;

  before(async () => {
    harness = await AppServerHarness.create();
    server = await startListeningAppServer(harness);
    proxy = await TcpChaosProxy.start(Number(new URL(server.url).port));
    cutter = new FrameFaults(proxy);
    codex = await Codex.connect({
      transport: async () => {
        const transport = cutter.wrap(await WebSocketTransport.connect(proxy.url, { token: server.token }));
        transport.frames$.subscribe({ next: () => (frames += 1), error: () => undefined });
        return transport;
      },
      reconnect: { maxAttempts: 50, initialDelayMs: 10, maxDelayMs: 200, jitter: 0 },
    });
    codex.connectionState$.subscribe((state) => state.state === 'ready' && (readyCount += 1));
    await codex.setServerRequestHandler('item/commandExecution/requestApproval', () => ({ decision: 'accept' }));
    await codex.setServerRequestHandler('item/fileChange/requestApproval', () => ({ decision: 'accept' }));
  });
  after(async () => {
    await codex?.close();
    await proxy?.close();
    await server?.stop();
    await harness?.dispose();
  });

  async function threadOf(kind: ThreadKind, earlier: Thread | undefined): Promise<Thread> {
    if (kind === 'no turn yet' || earlier === undefined) return codex.threadStart({ cwd: harness.workspace, sandbox: Sandbox.readOnly, tools: [lookup] });
    if (kind === 'forked') return codex.threadFork(earlier.id, { tools: [lookup] });
    return codex.threadResume(earlier.id, { tools: [lookup] });
  }

  /** Runs the scripted turn, cut after message k when given; resolves with its result and how often each item completed. */
  async function runTurn(thread: Thread, file: string, k: number | undefined, script = true): Promise<{ result: TurnResult; completions: Map<string, number> }> {
    if (script) enqueueTurn(harness, file);
    if (k !== undefined) cutter.cutAfter(k);
    const completions = new Map<string, number>();
    const run = (async () => {
      const turn = await thread.turn(`run the script, writing ${file}`, { approvalMode: ApprovalMode.askUser });
      debugLog.length = 0;
      turn.events$.subscribe({
        next: (event) => {
          debugLog.push(`${event.method}${event.method === 'item/completed' ? `:${event.params.item.type}${isReconstructed(event) ? '(r)' : ''}` : ''}`);
          if (event.method === 'item/completed') completions.set(event.params.item.id, (completions.get(event.params.item.id) ?? 0) + 1);
        },
        error: () => undefined,
      });
      return turn.run();
    })();
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`cut after message ${k}: no end within 20 s`)), 20_000)));
    try {
      return { result: await Promise.race([run, hang]), completions };
    } finally {
      clearTimeout(timer);
      cutter.disarm();
    }
  }

  it('every cut point gives the TurnResult of the uncut run, each item completed once, no hang, on each kind of thread', async () => {
    // The uncut run of each kind of thread: its result, and how many messages it takes (they differ a little).
    const totals = new Map<ThreadKind, number>();
    let earlier: Thread | undefined;
    let expected: unknown;
    for (const kind of KINDS) {
      const thread = await threadOf(kind, earlier);
      const start = frames;
      const reference = await runTurn(thread, 'uncut.txt', undefined);
      totals.set(kind, frames - start);
      expect(reference.result.status).to.equal('completed');
      expected ??= shape(reference.result);
      expect(shape(reference.result), kind).to.deep.equal(expected);
      earlier = thread;
    }
    expect(JSON.stringify(expected)).to.contain('cut-probe-output').and.to.contain('value of uncut.txt');
    const most = Math.max(...totals.values());
    expect(most).to.be.greaterThan(25);

    const failures: string[] = [];
    const covered: string[] = [];
    const reordered: number[] = [];
    for (let k = 1; k <= most; k += 1) {
      // Each cut point on a kind of thread whose turn has that many messages, in turn.
      const kind = [0, 1, 2].map((i) => KINDS[(k + i) % KINDS.length]!).find((candidate) => totals.get(candidate)! >= k)!;
      const label = `cut after message ${k}/${totals.get(kind)} (${kind})`;
      const file = `cut-${k}.txt`;
      const want = JSON.stringify(expected).replaceAll('uncut.txt', file);
      // Every other cut point: the resume answers come after the live events of the new connection.
      cutter.resumeDelayMs = k % 2 === 0 ? 200 : 0;
      try {
        const thread = await threadOf(kind, earlier);
        earlier = thread;
        const cuts = cutter.cuts;
        const readyBefore = readyCount;
        const asked = harness.mock.requests.length;
        let outcome = await runTurn(thread, file, k).catch((error: unknown) => error);
        if (outcome instanceof ConnectionLostError) {
          // Due only when the turn/start never reached the server (sent on a socket already cut):
          // then nothing ran, and calling again runs the turn once.
          if (harness.mock.requests.length !== asked) failures.push(`${label}: ConnectionLostError, but the model was asked`);
          covered.push(`${k}: ConnectionLostError (turn/start never reached the server), retried`);
          // The model was never asked: the scripts queued for the lost call answer the retry.
          outcome = await runTurn(thread, file, undefined, false);
        } else covered.push(`${k}`);
        if (outcome instanceof Error) throw outcome;
        const { result, completions } = outcome as Awaited<ReturnType<typeof runTurn>>;
        const got = shape(result);
        // With items rebuilt from the stored turn, the result takes the stored turn's order, which
        // may differ from the order of completion seen live: the same items, the same answer.
        if (JSON.stringify(got) !== want) reordered.push(k);
        if (JSON.stringify(sorted(got)) !== JSON.stringify(sorted(JSON.parse(want)))) failures.push(`${label}: ${JSON.stringify(got)}; events: ${debugLog.join(' ')}`);
        const repeated = [...completions].filter(([, count]) => count !== 1);
        if (repeated.length > 0) failures.push(`${label}: completed more than once: ${JSON.stringify(repeated)}`);
        if (cutter.cuts === cuts && k <= totals.get(kind)! - 3) failures.push(`${label}: the turn ended before message ${k}`);
        // A call the server asks again on the new connection (its answer lost in the cut) gets the same answer, without running the tool again.
        if (toolRuns.get(file) !== 1) failures.push(`${label}: the tool ran ${toolRuns.get(file) ?? 0} times`);
        if (cutter.cuts === cuts) covered.push(`(${k}: the turn ended first)`);
        // A cut at the very end of a turn: wait for the new connection, so that the next call is not on the cut one.
        if (cutter.cuts !== cuts) await until('ready again', () => readyCount > readyBefore);
      } catch (error) {
        failures.push(`${label}: ${(error as Error).name}: ${(error as Error).message}`);
      }
    }
    console.log(`      cut points: ${covered.join(', ')}; items in another order at: ${reordered.join(', ') || 'none'}`);
    expect(failures, failures.join('\n')).to.deep.equal([]);
    expect(codex.trackedTurns).to.equal(0);
  });

  it('an ephemeral thread cut anywhere ends its turn with EphemeralThreadLostError, never a hang', async () => {
    for (const k of [1, 12]) {
      const thread = await codex.threadStart({ cwd: harness.workspace, sandbox: Sandbox.readOnly, ephemeral: true });
      const outcome = await runTurn(thread, `ephemeral-${k}.txt`, k).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(outcome, `cut after message ${k}`).to.be.instanceOf(EphemeralThreadLostError);
      harness.mock.enqueue(response(assistantMessage('unused')));
    }
  });
});
