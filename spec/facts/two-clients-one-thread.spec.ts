import { expect } from 'chai';
import type { Codex } from '../../src/client/codex.js';
import { ThreadWriterConflictError } from '../../src/errors/thread-writer-conflict-error.js';
import { InvalidRequestError } from '../../src/jsonrpc/json-rpc-error.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { ThreadBusyError } from '../../src/turns/thread-busy-error.js';
import type { TurnResult } from '../../src/turns/turn-result.js';
import { eventually, serversPerTest, text, type Endpoint } from './endpoints.js';

/** The texts of a turn's user messages, in order. */
function userTexts(result: TurnResult): string[] {
  return result.items.flatMap((item) => (item.type === 'userMessage' ? [item.content.map((part) => (part.type === 'text' ? part.text : '')).join('')] : []));
}

/** A UI and a service on one thread: what the app-server allows, and what each `Codex` is told. */
describe('server facts: two clients on one thread', function () {
  this.timeout(60_000);
  const servers = serversPerTest();
  const start = (kind?: 'ws' | 'unix'): Promise<Endpoint> => servers.start(kind);

  /** A thread of `codex` that has had one turn (a thread without one has no rollout to resume yet). */
  async function threadWithATurn(codex: Codex) {
    const thread = await codex.threadStart();
    servers.harness.mock.enqueue(response(assistantMessage('ready')));
    await thread.run('warm up');
    return thread;
  }

  describe('two connections to one server', () => {
    it('a thread that has had no turn cannot be resumed from another connection yet: InvalidRequestError, "no rollout found"', async () => {
      const endpoint = await start();
      const ui = await endpoint.codex();
      const service = await endpoint.codex();
      const fresh = await ui.threadStart();
      const error = await service.threadResume(fresh.id).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(InvalidRequestError);
      expect(error).to.not.be.instanceOf(ThreadWriterConflictError);
      expect((error as Error).message).to.contain('no rollout found');
    });

    it('both resume the thread and take turns one after the other, each getting its own result', async () => {
      const endpoint = await start();
      const ui = await endpoint.codex();
      const service = await endpoint.codex();
      const uiThread = await threadWithATurn(ui);
      const serviceThread = await service.threadResume(uiThread.id);
      servers.harness.mock.enqueue(response(assistantMessage('for the service')), response(assistantMessage('for the ui')));
      const fromService = await serviceThread.run('service asks');
      const fromUi = await uiThread.run('ui asks');
      expect([fromService.finalResponse, userTexts(fromService)]).to.deep.equal(['for the service', ['service asks']]);
      expect([fromUi.finalResponse, userTexts(fromUi)]).to.deep.equal(['for the ui', ['ui asks']]);
      expect(fromService.id).to.not.equal(fromUi.id);
      // The service hears the ui's turn too (both resumed the thread), a little after the ui has its result.
      await eventually('both clients to let go of every turn', () => ui.trackedTurns === 0 && service.trackedTurns === 0);
    });

    for (const when of ['before it started', 'while it ran', 'while it ran, without its turns'] as const) {
      it(`a turn started while the other client's turn runs (resumed ${when}) fails with ThreadBusyError; the server folds the input into the running turn`, async () => {
        const endpoint = await start();
        const ui = await endpoint.codex();
        const service = await endpoint.codex();
        const uiThread = await threadWithATurn(ui);
        const resume = () => service.threadResume(uiThread.id, when.endsWith('without its turns') ? { params: { excludeTurns: true } } : {});
        const serviceThread = when === 'before it started' ? await resume() : undefined;

        const hold = gate('the ui turn streams');
        servers.harness.mock.enqueue(response(deltas(['ui ']), hold, deltas(['answer'])), response(assistantMessage('after the service input')));
        const uiTurn = await uiThread.turn('ui asks');
        await hold.waitUntilReached();
        const otherThread = serviceThread ?? (await resume());

        const error = await otherThread.run('service asks').catch((e: unknown) => e);
        expect(error).to.be.instanceOf(ThreadBusyError);
        expect(error).to.include({ threadId: uiThread.id, runningTurnId: uiTurn.id });

        hold.open();
        const result = await uiTurn.run();
        // The service's input became part of the ui's turn (as a steer would), answered by one more model call.
        expect(userTexts(result)).to.deep.equal(['ui asks', 'service asks']);
        expect(result.finalResponse).to.equal('after the service input');
        expect(servers.harness.mock.requests).to.have.length(3);

        // The service's thread is not left waiting for the other turn: its next turn is its own.
        servers.harness.mock.enqueue(response(assistantMessage('now it is mine')));
        const next = await otherThread.run('service again');
        expect([next.finalResponse, userTexts(next)]).to.deep.equal(['now it is mine', ['service again']]);
        await eventually('both clients to let go of every turn', () => ui.trackedTurns === 0 && service.trackedTurns === 0);
      });
    }
  });

  describe('two app-server processes on one CODEX_HOME', () => {
    it('the second cannot resume a thread the first has loaded: ThreadWriterConflictError names it; reading and forking it work, and it can be resumed once the first exits', async () => {
      const daemon = await start('ws');
      const other = await start('unix');
      const ui = await daemon.codex();
      const service = await other.codex();
      const thread = await threadWithATurn(ui);

      const error = await service.threadResume(thread.id).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ThreadWriterConflictError);
      expect(error).to.be.instanceOf(InvalidRequestError);
      expect(error).to.include({ code: -32600, method: 'thread/resume', threadId: thread.id });
      expect((error as Error).message).to.contain('already has an active writer').and.contain('another app-server process');

      const started = await service.request('turn/start', { threadId: thread.id, input: text('hi') }).catch((e: unknown) => e);
      expect(started).to.be.instanceOf(InvalidRequestError);
      expect((started as Error).message).to.contain('thread not found');
      const read = await service.request('thread/read', { threadId: thread.id, includeTurns: false });
      expect(read.thread.id).to.equal(thread.id);
      const fork = await service.threadFork(thread.id);
      servers.harness.mock.enqueue(response(assistantMessage('on the fork')));
      expect((await fork.run('go on')).finalResponse).to.equal('on the fork');

      // The first process keeps the thread after its client has gone, until it exits.
      await ui.close();
      expect(await service.threadResume(thread.id).catch((e: unknown) => e)).to.be.instanceOf(ThreadWriterConflictError);
      await daemon.server.stop();
      const resumed = await service.threadResume(thread.id);
      servers.harness.mock.enqueue(response(assistantMessage('resumed here')));
      expect((await resumed.run('continue')).finalResponse).to.equal('resumed here');
    });
  });
});
