import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import { Codex } from '../../src/client/codex.js';
import type { TurnHandle } from '../../src/client/turn-handle.js';
import type { CodexDiagnostic } from '../../src/client/codex-diagnostic.js';
import { DecodeError } from '../../src/errors/decode-error.js';
import { agentTextDeltas } from '../../src/operators/agent-text-deltas.js';
import type { JsonRpcMessage } from '../../src/jsonrpc/json-rpc-message.js';
import { FakeTurnServer } from '../support/fake-turn-server.js';
import { expectNoUnhandledErrors, settle } from '../support/no-unhandled-errors.js';

/** Two running turns on two threads of a fake server whose frames the spec releases. */
async function twoHeldTurns(config: { strictDecoding?: boolean } = {}) {
  const server = new FakeTurnServer();
  server.autoPlay = false;
  server.texts = (turnId) => [`${turnId}: one`, `${turnId}: two`];
  // Results of the fake are minimal; decoding them is not what these specs are about.
  const codex = await Codex.connect({ transport: () => server.transport, validateResults: false, ...config });
  const diagnostics: CodexDiagnostic[] = [];
  codex.diagnostics$.subscribe((d) => diagnostics.push(d));
  const [a, b] = await Promise.all([codex.threadStart(), codex.threadStart()]);
  const turnA = await a.turn('a');
  const turnB = await b.turn('b');
  await settle(1);
  return { server, codex, diagnostics, turnA, turnB };
}

function texts(turn: TurnHandle): Promise<string[]> {
  return lastValueFrom(turn.events$.pipe(agentTextDeltas(), toArray()));
}

describe('bad input from the server: nothing crashes, other turns are not disturbed', () => {
  expectNoUnhandledErrors();

  it('ignores stray and duplicate responses, unknown turns and unknown methods, and reports them', async () => {
    const { server, codex, diagnostics, turnA, turnB } = await twoHeldTurns();
    const untyped: string[] = [];
    codex.untypedNotifications$.subscribe((n) => untyped.push(n.method));
    const turnStart = server.transport.requests('turn/start')[0]!;
    const garbage: JsonRpcMessage[] = [
      { id: 987654, result: { surprise: true } },
      { id: turnStart.id, result: { turn: { id: 'duplicate', items: [], status: 'inProgress' } } },
      { id: null, error: { code: -32700, message: 'parse error' } },
      { method: 'item/agentMessage/delta', params: { threadId: 'nobody', turnId: 'turn-unknown', itemId: 'x', delta: 'lost?' } },
      { method: 'thread/somethingNew', params: { threadId: 'thread-1', turnId: turnA.id } },
    ];
    server.play(turnA.id, 2);
    garbage.forEach((frame) => server.transport.receive(frame));
    server.transport.garbage('this is not JSON');
    server.play(turnB.id);
    server.play(turnA.id);
    expect(await texts(turnA)).to.deep.equal([`${turnA.id}: one`, `${turnA.id}: two`]);
    expect(await texts(turnB)).to.deep.equal([`${turnB.id}: one`, `${turnB.id}: two`]);
    expect((await turnA.run()).finalResponse).to.equal(`${turnA.id}: one${turnA.id}: two`);
    expect(untyped).to.deep.equal(['thread/somethingNew']);
    expect(diagnostics.map((d) => d.kind)).to.deep.equal([
      'unexpected-response',
      'unexpected-response',
      'unexpected-response',
      'untyped-notification',
      'invalid-json',
    ]);
    await codex.close();
  });

  it('reports a notification that fails its codec as a DecodeError and delivers it (lenient default)', async () => {
    const { server, codex, diagnostics, turnA, turnB } = await twoHeldTurns();
    server.play(turnA.id, 2);
    server.transport.receive({ method: 'item/agentMessage/delta', params: { threadId: 'thread-1', turnId: turnA.id, itemId: 'm', delta: 42 } });
    server.play(turnA.id);
    server.play(turnB.id);
    const resultA = await turnA.run();
    expect(resultA.status).to.equal('completed');
    expect((await turnB.run()).status).to.equal('completed');
    const decodeErrors = diagnostics.flatMap((d) => (d.kind === 'decode-error' ? [d.error] : []));
    expect(decodeErrors).to.have.length(1);
    expect(decodeErrors[0]!.method).to.equal('item/agentMessage/delta');
    expect(decodeErrors[0]!.raw).to.deep.include({ delta: 42 });
    expect(decodeErrors[0]!.report.join()).to.contain('delta');
    await codex.close();
  });

  it('with strictDecoding, fails only the affected turn with the DecodeError', async () => {
    const { server, codex, turnA, turnB } = await twoHeldTurns({ strictDecoding: true });
    server.play(turnA.id, 2);
    server.transport.receive({ method: 'item/completed', params: { threadId: 'thread-1', turnId: turnA.id, item: { type: 'agentMessage' } } });
    server.play(turnB.id);
    const error = await turnA.run().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DecodeError);
    expect((error as DecodeError).method).to.equal('item/completed');
    expect((await turnB.run()).finalResponse).to.equal(`${turnB.id}: one${turnB.id}: two`);
    await codex.close();
  });
});
