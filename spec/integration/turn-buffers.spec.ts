import { expect } from 'chai';
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { Codex } from '../../src/client/codex.js';
import { agentTextDeltas } from '../../src/operators/agent-text-deltas.js';
import type { TurnDiagnostic } from '../../src/turns/turn-diagnostic.js';
import type { TurnRouter } from '../../src/turns/turn-router.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { startScriptedCodex, type ScriptedCodex } from '../../src/testing/scripted-codex.js';
import { FakeTurnServer } from '../support/fake-turn-server.js';

function routerOf(codex: Codex): TurnRouter {
  return (codex as unknown as { session: { router: TurnRouter } }).session.router;
}

describe('turn buffers against the real app-server', function () {
  this.timeout(60_000);
  let scripted: ScriptedCodex;
  beforeEach(async () => {
    scripted = await startScriptedCodex();
  });
  afterEach(async () => {
    await scripted.dispose();
  });

  /** Starts a response that streams two deltas and then holds; resolves once the client has seen both deltas. */
  async function heldMidTurn() {
    const hold = gate('mid-turn');
    scripted.mock.enqueue(response(deltas(['one', 'two']), hold, assistantMessage('done')));
    const thread = await scripted.codex.threadStart();
    const seen = firstValueFrom(
      scripted.codex.notifications$.pipe(filter((n) => n.method === 'item/agentMessage/delta' && n.params.delta === 'two')),
    );
    return { hold, thread, seen };
  }

  it('a turn consumed only by thread.run() holds no replay buffer while it runs, and run() still gets the whole turn', async () => {
    const { hold, thread, seen } = await heldMidTurn();
    const result = thread.run('go');
    await seen;
    const router = routerOf(scripted.codex);
    expect(router.size, 'the turn is running').to.equal(1);
    expect(router.replaying, 'no copy of its events is kept').to.equal(0);
    hold.open();
    const done = await result;
    expect(done.status).to.equal('completed');
    expect(done.items.flatMap((item) => (item.type === 'agentMessage' ? [item.text] : []))).to.deep.equal(['onetwo', 'done']);
    expect(router.size).to.equal(0);
  });

  it('a late subscriber of a held TurnHandle still sees the whole turn', async () => {
    const { hold, thread, seen } = await heldMidTurn();
    const turn = await thread.turn('go');
    await seen;
    expect(routerOf(scripted.codex).replaying, 'the handle can still be subscribed to').to.equal(1);
    const late = lastValueFrom(turn.events$.pipe(toArray()));
    hold.open();
    const events = await late;
    expect(events[0]!.method).to.equal('turn/started');
    expect(events.at(-1)!.method).to.equal('turn/completed');
    expect(events.flatMap((e) => (e.method === 'item/agentMessage/delta' ? [e.params.delta] : []))).to.include.members(['one', 'two']);
    expect((await turn.run()).finalResponse).to.equal('done');
  });

  it('a released TurnHandle drops the buffer; its subscribers keep every event and interrupt still works', async () => {
    const { hold, thread, seen } = await heldMidTurn();
    const turn = await thread.turn('go');
    const texts = lastValueFrom(turn.events$.pipe(agentTextDeltas(), toArray()));
    const run = turn.run();
    await seen;
    turn.release();
    expect(routerOf(scripted.codex).replaying).to.equal(0);
    await turn.interrupt();
    const result = await run;
    expect(result.status).to.equal('interrupted');
    expect(await texts).to.deep.equal(['one', 'two']);
    hold.open();
  });
});

describe('turns nobody claims, through Codex', () => {
  it('deltas for 5,000 turn ids that never start or complete are bounded, reported on diagnostics$, and other turns still run', async () => {
    const server = new FakeTurnServer();
    const codex = await Codex.connect({ transport: () => server.transport, validateResults: false });
    const dropped: TurnDiagnostic[] = [];
    codex.diagnostics$.subscribe((d) => {
      if (d.kind === 'unclaimed-turn-dropped') dropped.push(d);
    });
    for (let i = 0; i < 5_000; i += 1) {
      server.transport.receive({
        jsonrpc: '2.0',
        method: 'item/agentMessage/delta',
        params: { threadId: 'thread-stray', turnId: `stray-${i}`, itemId: 'm1', delta: 'x' },
      } as never);
    }
    expect(codex.trackedTurns).to.equal(1_000);
    expect(dropped).to.have.length(4_000);
    expect(dropped[0]).to.include({ turnId: 'stray-0', reason: 'count', events: 1 });
    const thread = await codex.threadStart();
    expect((await thread.run('still served')).finalResponse).to.equal('Hello world');
    await codex.close();
  });
});
