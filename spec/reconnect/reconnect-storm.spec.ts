import { expect } from 'chai';
import { deltas } from '../../src/testing/script/deltas.js';
import { response } from '../../src/testing/script/response.js';
import { startReconnectFixture, until, withinOrExplain, type ReconnectFixture } from './reconnect-fixture.js';

const TURNS = 10;
const DROPS = 20;

describe('reconnect: a storm of drops under concurrent turns, against the real app-server', function () {
  this.timeout(120_000);
  let fixture: ReconnectFixture | undefined;
  afterEach(async () => {
    await fixture?.dispose();
    fixture = undefined;
  });

  it(`${DROPS} drops in a row under ${TURNS} concurrent turns: every turn ends with its whole answer, items once, nothing tracked after`, async () => {
    fixture = await startReconnectFixture();
    const { codex, mock, proxy, harness } = fixture;
    const chunks = (i: number) => Array.from({ length: 40 }, (_, n) => `t${i}.${n} `);
    for (let i = 0; i < TURNS; i += 1) {
      mock.enqueueMatching((request) => request.userTexts().includes(`prompt ${i}`), response(deltas(chunks(i), { id: `msg_turn_${i}`, delayMs: 50 })));
    }
    const threads = await Promise.all(Array.from({ length: TURNS }, () => codex.threadStart({ cwd: harness.workspace })));
    // Started before the storm: a turn/start on the wire at a drop fails with ConnectionLostError (not resent).
    const turns = await Promise.all(threads.map((thread, i) => thread.turn(`prompt ${i}`)));
    const runs = turns.map((turn) => turn.run());
    const ended = new Set<number>();
    runs.forEach((run, i) => void run.finally(() => ended.add(i)).catch(() => undefined));
    const settled = Promise.allSettled(runs);
    let drops = 0;
    let dropsBeforeFirstEnd: number | undefined;
    void Promise.race(runs).finally(() => (dropsBeforeFirstEnd ??= drops)).catch(() => undefined);

    const ready = () => fixture!.states.filter((s) => s.state === 'ready').length;
    while (drops < DROPS) {
      const before = ready();
      await new Promise((resolve) => setTimeout(resolve, 40));
      proxy.cutAll();
      drops += 1;
      await until(`ready after drop ${drops}`, () => ready() > before, 20_000);
    }

    const outcomes = await withinOrExplain(settled, fixture, 30_000, async () => {
      const open = turns.flatMap((turn, i) => (ended.has(i) ? [] : [{ i, turn }]));
      const stored = await Promise.all(
        open.map(async ({ i, turn }) => {
          const page = await threads[i]!.read({ includeTurns: true }).catch((error: unknown) => String(error));
          const state = typeof page === 'string' ? page : JSON.stringify(page.thread.turns.map((t) => [t.id, t.status, t.items.length]));
          return `turn ${i} ${turn.id} (thread ${threads[i]!.id}): stored ${state}`;
        }),
      );
      return `still running: ${stored.join('; ')}`;
    });
    const failures = outcomes.flatMap((outcome, i) => (outcome.status === 'rejected' ? [`turn ${i}: ${String(outcome.reason)}`] : []));
    expect(failures).to.deep.equal([]);
    outcomes.forEach((outcome, i) => {
      const result = (outcome as PromiseFulfilledResult<Awaited<(typeof runs)[number]>>).value;
      expect(result.status, `turn ${i}`).to.equal('completed');
      expect(result.finalResponse, `turn ${i}`).to.equal(chunks(i).join(''));
      const ids = result.items.map((item) => item.id);
      expect(new Set(ids).size, `turn ${i} items: ${ids.join(', ')}`).to.equal(ids.length);
      expect(ids.filter((id) => id === `msg_turn_${i}`)).to.have.length(1);
    });
    expect(fixture.diagnostics.filter((d) => d.kind === 'connection-lost').length).to.be.at.least(DROPS);
    // The storm hit the turns while they streamed, not only after.
    expect(dropsBeforeFirstEnd, 'drops before the first turn ended').to.be.at.least(5);
    expect(codex.trackedTurns).to.equal(0);
  });
});
