import { expect } from 'chai';
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { Codex } from '../../src/client/codex.js';
import { InvalidParamsError, ServerBusyError } from '../../src/jsonrpc/json-rpc-error.js';
import { RequestTimeoutError } from '../../src/errors/request-timeout-error.js';
import { retryOnOverload } from '../../src/operators/retry-on-overload.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { scriptedCodexPerTest } from '../support/scripted-codex-per-test.js';
import { FakeTurnServer } from '../support/fake-turn-server.js';

const OVERLOADED = { error: { code: -32001, message: 'Server overloaded; retry later.' } };

/** A fake server that answers thread/list with the bare -32001 overload `failures` times, then succeeds. */
async function overloadedCodex(failures: number) {
  const server = new FakeTurnServer();
  let calls = 0;
  server.otherwise = (request) => {
    if (request.method !== 'thread/list') return { result: {} };
    calls += 1;
    return calls <= failures ? OVERLOADED : { result: { data: [], nextCursor: null, backwardsCursor: null } };
  };
  // The connection's own overload retries are off: these specs are about the operator.
  const codex = await Codex.connect({ transport: () => server.transport, maxOverloadRetries: 0 });
  return { codex, server, calls: () => calls };
}

describe('overload, timeouts and cancellation', function () {
  this.timeout(60_000);

  describe('retryOnOverload against a server that answers -32001 without data', () => {
    const fast = { initialDelayMs: 5, maxDelayMs: 20 };

    it('succeeds when the overloads are fewer than the attempts', async () => {
      const { codex, calls } = await overloadedCodex(2);
      const result = await lastValueFrom(codex.request$('thread/list', {}).pipe(retryOnOverload({ ...fast, maxAttempts: 3 })));
      expect(result.data).to.deep.equal([]);
      expect(calls()).to.equal(3);
      await codex.close();
    });

    it('ends with the last ServerBusyError when they are not', async () => {
      const { codex, calls } = await overloadedCodex(5);
      const error = await lastValueFrom(codex.request$('thread/list', {}).pipe(retryOnOverload({ ...fast, maxAttempts: 3 }))).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(ServerBusyError);
      expect((error as ServerBusyError).data).to.equal(undefined);
      expect(calls()).to.equal(3);
      await codex.close();
    });

    it('never retries -32602', async () => {
      const server = new FakeTurnServer();
      let calls = 0;
      server.otherwise = () => {
        calls += 1;
        return { error: { code: -32602, message: 'bad params' } };
      };
      const codex = await Codex.connect({ transport: () => server.transport });
      const error = await lastValueFrom(codex.request$('thread/list', {}).pipe(retryOnOverload(fast))).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(InvalidParamsError);
      expect(calls).to.equal(1);
      await codex.close();
    });
  });

  describe('request timeouts', () => {
    it('fails a request the server never answers with RequestTimeoutError naming the method; a late answer is ignored', async () => {
      const server = new FakeTurnServer();
      server.otherwise = () => undefined;
      const codex = await Codex.connect({ transport: () => server.transport, requestTimeoutMs: 50 });
      const kinds: string[] = [];
      codex.diagnostics$.subscribe((d) => kinds.push(d.kind));
      const error = (await codex.threadList().catch((e: unknown) => e)) as RequestTimeoutError;
      expect(error).to.be.instanceOf(RequestTimeoutError);
      expect(error.method).to.equal('thread/list');
      expect(error.message).to.contain('thread/list').and.contain('50 ms');
      const request = server.transport.requests('thread/list')[0]!;
      server.transport.receive({ id: request.id, result: { data: [] } });
      expect(kinds).to.deep.equal(['unexpected-response']);
      // Per call: 0 waits forever; the turn streams themselves have no timeout at all.
      const untimed = codex.threadList({}, { timeoutMs: 0 });
      await new Promise((resolve) => setTimeout(resolve, 80));
      server.transport.receive({ id: server.transport.requests('thread/list')[1]!.id, result: { data: [], nextCursor: null } });
      expect((await untimed).data).to.deep.equal([]);
      await codex.close();
    });
  });

  describe('cancellation against the real server', () => {
    const scripted = scriptedCodexPerTest();

    function turnCompleted(codex: Codex) {
      return firstValueFrom(
        codex.notifications$.pipe(filter((n): n is Extract<ServerNotification, { method: 'turn/completed' }> => n.method === 'turn/completed')),
      );
    }

    it('aborting run() interrupts the turn on the server and rejects with AbortError', async () => {
      const hold = gate('held');
      scripted.mock.enqueue(response(deltas(['working']), hold), response(assistantMessage('next')));
      const thread = await scripted.codex.threadStart();
      const controller = new AbortController();
      const completed = turnCompleted(scripted.codex);
      const run = thread.run('long job', { signal: controller.signal });
      await firstValueFrom(scripted.codex.notifications$.pipe(filter((n) => n.method === 'item/agentMessage/delta')));
      controller.abort();
      expect(((await run.catch((e: unknown) => e)) as Error).name).to.equal('AbortError');
      expect((await completed).params.turn.status).to.equal('interrupted');
      hold.open();
      expect((await thread.run('again')).finalResponse).to.equal('next');
    });

    it('aborting run() while turn/start is in flight rejects with AbortError and still interrupts the turn on the server', async () => {
      const hold = gate('held');
      scripted.mock.enqueue(response(deltas(['working']), hold));
      const thread = await scripted.codex.threadStart();
      const controller = new AbortController();
      const completed = turnCompleted(scripted.codex);
      const run = thread.run('long job', { signal: controller.signal });
      controller.abort();
      const error = (await run.catch((e: unknown) => e)) as Error;
      expect(error.name).to.equal('AbortError');
      expect((await completed).params.turn.status).to.equal('interrupted');
      hold.open();
    });

    it('unsubscribing from turn$ interrupts the turn on the server', async () => {
      const hold = gate('held');
      scripted.mock.enqueue(response(deltas(['working']), hold));
      const thread = await scripted.codex.threadStart();
      const completed = turnCompleted(scripted.codex);
      const subscription = thread.turn$('long job').subscribe();
      await firstValueFrom(scripted.codex.notifications$.pipe(filter((n) => n.method === 'item/agentMessage/delta')));
      subscription.unsubscribe();
      expect((await completed).params.turn.status).to.equal('interrupted');
      hold.open();
    });

    it('unsubscribing before the turn/start answer still interrupts the turn once its id is known', async () => {
      const hold = gate('held');
      scripted.mock.enqueue(response(deltas(['working']), hold));
      const thread = await scripted.codex.threadStart();
      const completed = turnCompleted(scripted.codex);
      thread.run$('dropped at once').subscribe().unsubscribe();
      expect((await completed).params.turn.status).to.equal('interrupted');
      hold.open();
    });

    it('an aborted signal cancels a Promise call before anything is sent', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = (await scripted.codex.threadList({}, { signal: controller.signal }).catch((e: unknown) => e)) as Error;
      expect(error.name).to.equal('AbortError');
      const login = await scripted.codex.loginChatgpt();
      const waiting = new AbortController();
      const wait = login.wait({ signal: waiting.signal });
      waiting.abort();
      expect(((await wait.catch((e: unknown) => e)) as Error).name).to.equal('AbortError');
      await login.cancel();
    });
  });
});
