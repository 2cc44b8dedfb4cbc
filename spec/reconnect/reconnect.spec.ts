import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import { isReconstructed } from '../../src/turns/is-reconstructed.js';
import type { TurnEvent } from '../../src/turns/turn-event.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { startReconnectFixture, until, withinOrExplain, type ReconnectFixture } from './reconnect-fixture.js';

const CHUNKS = Array.from({ length: 12 }, (_, i) => `c${i} `);

function completedItemIds(events: readonly TurnEvent[]): string[] {
  return events.flatMap((event) => (event.method === 'item/completed' ? [event.params.item.id] : []));
}

describe('reconnect: a client that survives drops, against the real app-server', function () {
  this.timeout(60_000);
  let fixture: ReconnectFixture;

  beforeEach(async () => {
    fixture = await startReconnectFixture();
  });
  afterEach(async () => {
    await fixture.dispose();
  });

  it('cut while deltas stream: run() resolves with the whole answer and every item exactly once', async () => {
    const { codex, mock, proxy, harness } = fixture;
    mock.enqueue(response(deltas(CHUNKS, { id: 'msg_streamed', delayMs: 40 })));
    const thread = await codex.threadStart({ cwd: harness.workspace });
    const turn = await thread.turn('stream please');
    const all = lastValueFrom(turn.events$.pipe(toArray()));
    const result = turn.run();
    let deltasSeen = 0;
    turn.events$.subscribe({
      next: (event) => {
        if (event.method === 'item/agentMessage/delta') deltasSeen += 1;
      },
      error: () => undefined,
    });
    await until('the third delta', () => deltasSeen >= 3);
    proxy.cutAll();

    const done = await result;
    expect(done.status).to.equal('completed');
    expect(done.finalResponse).to.equal(CHUNKS.join(''));
    const ids = done.items.map((item) => item.id);
    expect(new Set(ids).size, `items: ${ids.join(', ')}`).to.equal(ids.length);
    const stored = await thread.read({ includeTurns: true });
    expect(ids).to.deep.equal(stored.thread.turns.at(-1)!.items.map((item) => item.id));
    const seen = completedItemIds(await all);
    expect(seen).to.deep.equal(ids);
    expect(fixture.states.map((s) => s.state)).to.include.ordered.members(['connecting', 'ready', 'reconnecting', 'ready']);
    expect(fixture.diagnostics.map((d) => d.kind)).to.include.members(['connection-lost', 'reconnected']);
    expect(codex.trackedTurns).to.equal(0);
  });

  it('cut, with the turn finishing during a 2 s gap: run() resolves from the stored turn, marked reconstructed', async () => {
    const { codex, mock, proxy, harness } = fixture;
    const hold = gate();
    mock.enqueue(response(deltas(['Before ', 'the gap'], { id: 'msg_before' }), hold, deltas(['After ', 'the gap'], { id: 'msg_after' })));
    const thread = await codex.threadStart({ cwd: harness.workspace });
    const turn = await thread.turn('finish while I am away');
    const all = lastValueFrom(turn.events$.pipe(toArray()));
    let firstDone = false;
    turn.events$.subscribe({
      next: (event) => {
        if (event.method === 'item/completed' && event.params.item.id === 'msg_before') firstDone = true;
      },
      error: () => undefined,
    });
    await hold.waitUntilReached();
    await until('the first message completed live', () => firstDone);
    proxy.refuse(true);
    proxy.cutAll();
    hold.open();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    proxy.refuse(false);

    const done = await withinOrExplain(turn.run(), fixture);
    expect(done.status).to.equal('completed');
    expect(done.finalResponse).to.equal('After the gap');
    // Sent during the gap, and again by the server on resume: the turn's usage is not lost.
    expect(done.usage).to.not.equal(null);
    const ids = done.items.map((item) => item.id);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(ids).to.include.members(['msg_before', 'msg_after']);
    const events = await all;
    const end = events.at(-1)!;
    expect(end.method).to.equal('turn/completed');
    expect(isReconstructed(end), 'turn/completed rebuilt from the stored turn').to.equal(true);
    const rebuilt = events.filter((event) => event.method === 'item/completed' && isReconstructed(event));
    expect(rebuilt.map((event) => (event.method === 'item/completed' ? event.params.item.id : ''))).to.include('msg_after');
    const reconciled = fixture.diagnostics.find((d) => d.kind === 'turn-reconciled');
    expect(reconciled).to.include({ turnId: turn.id, completed: true });
    expect(codex.trackedTurns).to.equal(0);
  });
});
