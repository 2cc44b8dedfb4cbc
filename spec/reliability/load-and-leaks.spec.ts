import { expect } from 'chai';
import { Codex } from '../../src/client/codex.js';
import { FakeTurnServer } from '../support/fake-turn-server.js';

/** Heap in use after a full collection (mocha runs with --expose-gc). */
async function settledHeap(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  return process.memoryUsage().heapUsed;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

describe('load on one connection, and what stays behind', function () {
  this.timeout(180_000);

  it('runs 5,000 sequential turns; the router holds nothing afterwards and the heap stays flat', async () => {
    const server = new FakeTurnServer();
    server.transport.record = false;
    const codex = await Codex.connect({ transport: () => server.transport, validateResults: false });
    const thread = await codex.threadStart();
    const batch = async (count: number) => {
      for (let i = 0; i < count; i += 1) {
        const result = await thread.run(`turn ${i}`);
        if (result.finalResponse !== 'Hello world') throw new Error(`turn ${i}: ${result.finalResponse}`);
      }
    };
    await batch(500); // warm-up: code paths compiled, caches filled
    const before = await settledHeap();
    await batch(5_000);
    const after = await settledHeap();
    const perThousand = ((after - before) / 5_000) * 1_000;
    console.log(`      heap growth over 5,000 sequential turns: ${kib(after - before)} (${kib(perThousand)} per 1,000 turns)`);
    expect(codex.trackedTurns).to.equal(0);
    // The router remembers the ids of the last finished turns (a bounded set) to drop stragglers:
    // a few dozen bytes per id, capped, so the growth per 1,000 turns must stay far below a turn's events.
    expect(perThousand).to.be.below(256 * 1024);
    await codex.close();
  });

  it('runs 1,000 concurrent turns; every one gets its own result and nothing stays behind', async () => {
    const server = new FakeTurnServer();
    server.autoPlay = false;
    server.transport.record = false;
    server.texts = (turnId) => [turnId, '!'];
    const codex = await Codex.connect({ transport: () => server.transport, validateResults: false });
    const before = await settledHeap();
    const threads = await Promise.all(Array.from({ length: 1_000 }, () => codex.threadStart()));
    const turns = await Promise.all(threads.map((thread, i) => thread.turn(`job ${i}`)));
    const runs = turns.map((turn) => turn.run());
    const during = await settledHeap();
    expect(codex.trackedTurns).to.equal(1_000);
    // Release the turns' frames interleaved, a frame of each turn at a time.
    for (let round = 0; server.held.size > 0; round += 1) for (const turn of turns) server.play(turn.id, 1);
    const results = await Promise.all(runs);
    results.forEach((result, i) => expect(result.finalResponse).to.equal(`${turns[i]!.id}!`));
    expect(codex.trackedTurns).to.equal(0);
    turns.length = 0;
    results.length = 0;
    const after = await settledHeap();
    console.log(
      `      1,000 concurrent turns: ${kib((during - before) / 1_000)} retained per active turn; ${kib(after - before)} left after all completed`,
    );
    await codex.close();
  });
});
