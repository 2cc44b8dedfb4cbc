import { expect } from 'chai';
import { Codex } from '../../src/client/codex.js';
import type { RunInput } from '../../src/client/run-input.js';
import { InvalidParamsError } from '../../src/jsonrpc/json-rpc-error.js';
import { ThreadBusyError } from '../../src/turns/thread-busy-error.js';
import { TurnStalledError } from '../../src/turns/turn-stalled-error.js';
import { RequestTimeoutError } from '../../src/errors/request-timeout-error.js';
import { turnFrames } from '../support/fake-turn-server.js';
import { FakeTurnServer } from '../support/fake-turn-server.js';
import { expectNoUnhandledErrors, settle } from '../support/no-unhandled-errors.js';

/** A client of a fake server whose turns the spec plays. */
async function heldTurnServer() {
  const server = new FakeTurnServer();
  server.autoPlay = false;
  // Results of the fake are minimal; decoding them is not what these specs are about.
  const codex = await Codex.connect({ transport: () => server.transport, validateResults: false });
  return { server, codex };
}

describe('turn contract: odd input from the caller or the server ends in a result or a typed error', () => {
  expectNoUnhandledErrors();

  it('resolves run() when turn/completed carries a turn without items: with the items seen live, or none', async () => {
    const { server, codex } = await heldTurnServer();
    const thread = await codex.threadStart();
    const withoutItems = async (keepLiveItems: boolean) => {
      const turn = await thread.turn('hi');
      await settle(1);
      const frames = server.held.get(turn.id)!;
      const completed = frames[frames.length - 1]! as { params: { turn: { items?: unknown } } };
      delete completed.params.turn.items;
      if (!keepLiveItems) server.held.set(turn.id, frames.filter((frame) => !('method' in frame && frame.method === 'item/completed')));
      server.play(turn.id);
      return turn.run();
    };
    const live = await withoutItems(true);
    expect(live.status).to.equal('completed');
    expect(live.finalResponse).to.equal('Hello world');
    expect(live.items).to.have.length(1);
    const none = await withoutItems(false);
    expect(none.status).to.equal('completed');
    expect(none.finalResponse).to.equal(null);
    expect(none.items).to.deep.equal([]);
    await codex.close();
  });

  it('rejects run(null), run(undefined) and a null item with InvalidParamsError, sending nothing', async () => {
    const { server, codex } = await heldTurnServer();
    const thread = await codex.threadStart();
    for (const input of [null, undefined, [null], [undefined], 42] as unknown as RunInput[]) {
      const error = await thread.run(input).catch((e: unknown) => e);
      expect(error, JSON.stringify(input)).to.be.instanceOf(InvalidParamsError);
      expect((error as InvalidParamsError).message).to.contain('nothing was sent');
    }
    expect(server.transport.requests('turn/start')).to.deep.equal([]);
    await codex.close();
  });

  it('fails a turn/start that the server folds into a running turn of another client with ThreadBusyError', async () => {
    const { server, codex } = await heldTurnServer();
    const thread = await codex.threadStart();
    // Another client's turn runs on the thread; this client sees its notifications.
    server.transport.receive({ method: 'turn/started', params: { threadId: thread.id, turn: { id: 'theirs', items: [], status: 'inProgress' } } });
    const answer = server.transport.autoRespond!;
    server.transport.autoRespond = (request) =>
      request.method === 'turn/start' ? { result: { turn: { id: 'theirs', items: [], status: 'inProgress' } } } : answer(request);
    const error = await thread.run('mine').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ThreadBusyError);
    expect(error).to.include({ threadId: thread.id, runningTurnId: 'theirs' });
    // The thread is not left waiting for someone else's turn: the next call is sent at once.
    server.transport.autoRespond = answer;
    const next = thread.run('next');
    await settle(1);
    expect(server.transport.requests('turn/start')).to.have.length(2);
    server.play('turn-1');
    expect((await next).finalResponse).to.equal('Hello world');
    await codex.close();
  });

  /** What a promise settled with, or 'pending' when it has not within `ms`. */
  function within<T>(promise: Promise<T>, ms: number): Promise<T | unknown> {
    return Promise.race([promise.catch((e: unknown) => e), new Promise((resolve) => setTimeout(() => resolve('pending'), ms))]);
  }

  it('interrupt() of a turn that never starts ends by its timeout or signal, and run({ signal }) rejects at once on abort', async () => {
    const { server, codex } = await heldTurnServer();
    const thread = await codex.threadStart();
    const silent = await thread.turn('silent');
    expect(await within(silent.interrupt({ timeoutMs: 100 }), 2_000)).to.be.instanceOf(RequestTimeoutError);
    expect(await within(silent.interrupt({ signal: AbortSignal.abort() }), 2_000)).to.have.property('name', 'AbortError');
    const other = await codex.threadStart();
    const controller = new AbortController();
    const run = other.run('also silent', { signal: controller.signal });
    await settle(1);
    controller.abort();
    expect(await within(run, 2_000)).to.have.property('name', 'AbortError');
    // Once the turn starts, the interrupt the abort asked for reaches the server.
    expect(server.transport.requests('turn/interrupt')).to.have.length(0);
    server.play('turn-2', 1);
    await settle();
    expect(server.transport.requests('turn/interrupt').map((r) => (r.params as { turnId: string }).turnId)).to.deep.equal(['turn-2']);
    await codex.close();
  });

  it('ends a stalled turn the server stored as completed with the stored turn, and fails one still running with TurnStalledError', async () => {
    const { server, codex } = await heldTurnServer();
    const thread = await codex.threadStart();
    const stored = new Map<string, unknown>();
    server.otherwise = (request) => {
      if (request.method === 'thread/read') return { result: { thread: { id: thread.id, status: { type: 'idle' } } } };
      if (request.method === 'thread/turns/list') return { result: { data: [...stored.values()] } };
      return { result: {} };
    };
    // The first turn's events stop after turn/started, but the server finished it.
    const finished = thread.run('lost events', { stallTimeoutMs: 200 });
    await settle(1);
    server.play('turn-1', 1);
    const frames = turnFrames(thread.id, 'turn-1', ['stored answer']);
    const completed = frames[frames.length - 1] as { params: { turn: Record<string, unknown> } };
    const storedItem = (frames[3] as { params: { item: unknown } }).params.item;
    stored.set('turn-1', { ...completed.params.turn, items: [storedItem] });
    const result = await finished;
    expect(result.status).to.equal('completed');
    expect(result.finalResponse).to.equal('stored answer');
    // The second turn never progresses: the server still has it running.
    const running = thread.run('stuck', { stallTimeoutMs: 200 });
    await settle(1);
    server.play('turn-2', 1);
    stored.set('turn-2', { id: 'turn-2', items: [], status: 'inProgress' });
    const error = await within(running, 5_000);
    expect(error).to.be.instanceOf(TurnStalledError);
    expect(error).to.include({ turnId: 'turn-2', stallTimeoutMs: 200 });
    expect(server.transport.requests('turn/interrupt').map((r) => (r.params as { turnId: string }).turnId)).to.deep.equal(['turn-2']);
    await codex.close();
  });
});
