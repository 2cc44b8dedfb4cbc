import { expect } from 'chai';
import { filter, firstValueFrom, lastValueFrom, tap } from 'rxjs';
import type { TurnEvent } from '../../src/turns/turn-event.js';
import { toTurnResult } from '../../src/turns/to-turn-result.js';
import { TurnStalledError } from '../../src/turns/turn-stalled-error.js';
import type { Thread } from '../../src/client/thread.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { gate } from '../../src/testing/script/gate.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { response } from '../../src/testing/script/response.js';
import { usage } from '../../src/testing/script/usage.js';
import { startScriptedCodex, type ScriptedCodex } from '../../src/testing/scripted-codex.js';

describe('turn contract against the real app-server', function () {
  this.timeout(60_000);
  let scripted: ScriptedCodex | undefined;
  afterEach(async () => {
    await scripted?.dispose();
    scripted = undefined;
  });

  /** Resolves when the thread's model call streams its first delta to the client. */
  function firstDelta(thread: Thread): Promise<unknown> {
    return firstValueFrom(
      scripted!.codex.notifications$.pipe(filter((n) => n.method === 'item/agentMessage/delta' && (n.params as { threadId: string }).threadId === thread.id)),
    );
  }

  /** The last user text of each model request, in order. */
  function promptsSeen(): string[] {
    return scripted!.mock.requests.map((request) => request.userTexts().at(-1) ?? '');
  }

  describe('turns of one thread run one after another', () => {
    it('an interrupted run$ is followed at once by run(): the next turn gets its own answer and the model saw it', async () => {
      scripted = await startScriptedCodex();
      const hold = gate('a held');
      scripted.mock.enqueue(response(deltas(['working on a']), hold), response(assistantMessage('answer b')));
      const thread = await scripted.codex.threadStart();
      const seen = firstDelta(thread);
      const first = thread.run$('a').subscribe({ error: () => undefined });
      await seen;
      first.unsubscribe();
      const second = await thread.run('b');
      hold.open();
      expect(second.status).to.equal('completed');
      expect(second.finalResponse).to.equal('answer b');
      expect(promptsSeen()).to.deep.equal(['a', 'b']);
      const stored = await scripted.codex.request('thread/turns/list', { threadId: thread.id, sortDirection: 'asc' });
      expect(stored.data.map((turn) => turn.status)).to.deep.equal(['interrupted', 'completed']);
      expect(stored.data[1]!.id).to.equal(second.id);
    });

    it('four concurrent runs, on two Thread objects of one id, each get their own answer, in order', async () => {
      scripted = await startScriptedCodex();
      scripted.mock.enqueue(...[1, 2, 3, 4].map((n) => response(assistantMessage(`answer ${n}`))));
      const thread = await scripted.codex.threadStart();
      const same = await scripted.codex.thread(thread.id);
      const results = await Promise.all([thread.run('p1'), same.run('p2'), thread.run('p3'), same.run('p4')]);
      expect(results.map((result) => result.finalResponse)).to.deep.equal(['answer 1', 'answer 2', 'answer 3', 'answer 4']);
      expect(new Set(results.map((result) => result.id)).size).to.equal(4);
      expect(promptsSeen()).to.deep.equal(['p1', 'p2', 'p3', 'p4']);
    });

    it('a queued run$ that is unsubscribed, and a run whose signal aborts while queued, leave the queue unsent', async () => {
      scripted = await startScriptedCodex();
      const hold = gate('first held');
      scripted.mock.enqueue(response(deltas(['first']), hold), response(assistantMessage('after')));
      const thread = await scripted.codex.threadStart();
      const seen = firstDelta(thread);
      const first = thread.run('first');
      await seen;
      const dropped = thread.run$('dropped').subscribe({ error: () => undefined });
      const controller = new AbortController();
      const aborted = thread.run('aborted', { signal: controller.signal }).catch((e: unknown) => e);
      const last = thread.run('last');
      dropped.unsubscribe();
      controller.abort();
      expect(((await aborted) as Error).name).to.equal('AbortError');
      hold.open();
      expect((await first).status).to.equal('completed');
      expect((await last).finalResponse).to.equal('after');
      expect(promptsSeen()).to.deep.equal(['first', 'last']);
    });

    it('does not delay the turns of other threads', async () => {
      scripted = await startScriptedCodex();
      const hold = gate('thread a held');
      const [a, b] = [await scripted.codex.threadStart(), await scripted.codex.threadStart()];
      scripted.mock.enqueue(response(deltas(['a working']), hold));
      const seen = firstDelta(a);
      const runA = a.run('a');
      await seen;
      scripted.mock.enqueue(response(assistantMessage('b done')));
      const resultB = await b.run('b');
      expect(resultB.finalResponse).to.equal('b done');
      expect(hold.isOpen).to.equal(false);
      hold.open();
      expect((await runA).status).to.equal('completed');
    });
  });

  describe('nothing hangs', () => {
    it('a turn whose model cannot be reached fails with TurnStalledError after its stall timeout, the retry errors on its stream', async () => {
      scripted = await startScriptedCodex({
        harness: {
          // The server's default: retry an unreachable model for ever ("Reconnecting... waiting for network").
          config: { features: { unbounded_connection_retries: true }, model_providers: { codex_rx_mock: { base_url: 'http://127.0.0.1:9/v1' } } },
        },
        codex: { turnStallTimeoutMs: 3_000 },
      });
      const thread = await scripted.codex.threadStart();
      const events: TurnEvent[] = [];
      const error = await lastValueFrom(thread.turn$('Say hello').pipe(tap((event) => events.push(event)), toTurnResult())).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(TurnStalledError);
      const stalled = error as TurnStalledError;
      expect(stalled.stallTimeoutMs).to.equal(3_000);
      expect(stalled.lastRetryError?.message).to.contain('Reconnecting');
      const retries = events.filter((event) => event.method === 'error' && event.params.willRetry);
      expect(retries.length).to.be.greaterThan(0);
      const stored = await scripted.codex.request('thread/turns/list', { threadId: thread.id });
      expect(stored.data.map((turn) => [turn.id, turn.status])).to.deep.equal([[stalled.turnId, 'interrupted']]);
    });
  });

  describe('a quiet turn is not always stalled', () => {
    it('a command that runs silently for four stall timeouts is not a stall: the turn completes', async () => {
      scripted = await startScriptedCodex({ harness: { config: { approval_policy: 'never' } } });
      scripted.mock.enqueue(response(execCommand('sleep 8', { callId: 'call_sleep' })), response(assistantMessage('Slept.')));
      const thread = await scripted.codex.threadStart();
      const result = await thread.run('Sleep eight seconds', { stallTimeoutMs: 2_000 });
      expect(result.status).to.equal('completed');
      expect(result.finalResponse).to.equal('Slept.');
      const command = result.items.find((item) => item.type === 'commandExecution');
      expect(command).to.deep.include({ id: 'call_sleep', status: 'completed' });
    });
  });

  describe('token usage', () => {
    it('gives each turn its own usage over all its model calls, beside the thread total', async () => {
      scripted = await startScriptedCodex({ harness: { config: { approval_policy: 'never' } } });
      scripted.mock.enqueue(
        // The first turn calls the model twice: a command, then the answer.
        response(execCommand('echo hi'), usage({ inputTokens: 10, outputTokens: 1 })),
        response(assistantMessage('ran it'), usage({ inputTokens: 20, outputTokens: 2 })),
        response(assistantMessage('second'), usage({ inputTokens: 40, outputTokens: 4 })),
      );
      const thread = await scripted.codex.threadStart();
      const first = await thread.run('first');
      const second = await thread.run('second');
      expect(first.turnUsage).to.include({ inputTokens: 30, outputTokens: 3, totalTokens: 33 });
      expect(first.usage!.last).to.include({ totalTokens: 22 });
      expect(second.turnUsage).to.include({ inputTokens: 40, outputTokens: 4, totalTokens: 44 });
      expect(second.usage!.total).to.include({ inputTokens: 70, outputTokens: 7, totalTokens: 77 });
    });
  });
});
