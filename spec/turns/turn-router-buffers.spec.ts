import { expect } from 'chai';
import { lastValueFrom, Subject, toArray, type Observable } from 'rxjs';
import type { TurnDiagnostic } from '../../src/turns/turn-diagnostic.js';
import type { TurnEvent } from '../../src/turns/turn-event.js';
import { TurnRouter } from '../../src/turns/turn-router.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import { agentDelta, turnCompleted, turnStarted } from '../operators/fixtures.js';

const collect = (events$: Observable<TurnEvent>) => lastValueFrom(events$.pipe(toArray()));
const methods = (events: readonly TurnEvent[]) => events.map((event) => event.method);

/** Gives the finalizers of collected objects a chance to run (they run in a later task after a collection). */
async function collectGarbage(done: () => boolean): Promise<void> {
  const gc = (globalThis as unknown as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run mocha with --expose-gc');
  // A bound that only detects a finalizer that never runs.
  for (let i = 0; i < 200 && !done(); i += 1) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('TurnRouter: who keeps a turn\'s events', () => {
  let source: Subject<ServerNotification>;
  let router: TurnRouter;
  beforeEach(() => {
    source = new Subject<ServerNotification>();
    router = new TurnRouter(source);
  });
  afterEach(() => router.dispose());

  it('a replay stream keeps the whole turn: a late subscriber sees it from turn/started', async () => {
    const events$ = router.turn('u1');
    source.next(turnStarted('u1'));
    source.next(agentDelta('u1', 'm1', 'Hel'));
    expect(router.replaying).to.equal(1);
    const late = collect(events$);
    source.next(agentDelta('u1', 'm1', 'lo'));
    source.next(turnCompleted('u1'));
    expect(methods(await late)).to.deep.equal(['turn/started', 'item/agentMessage/delta', 'item/agentMessage/delta', 'turn/completed']);
    // The stream is still held: a subscriber after completion still gets it all.
    expect(methods(await collect(events$))).to.have.length(4);
  });

  it('a claimed turn keeps no copy once its subscriber attached, and that subscriber sees the whole turn', async () => {
    source.next(turnStarted('u1'));
    source.next(agentDelta('u1', 'm1', 'early'));
    const events$ = router.turn('u1', 'claim');
    expect(router.replaying, 'kept for the claim until it attaches').to.equal(1);
    const all = collect(events$);
    expect(router.replaying).to.equal(0);
    expect(router.size).to.equal(1);
    for (let i = 0; i < 50; i += 1) source.next(agentDelta('u1', 'm1', `d${i}`));
    expect(router.replaying, 'no buffer grows while the turn streams').to.equal(0);
    source.next(turnCompleted('u1'));
    const events = await all;
    expect(events).to.have.length(53);
    expect(events[0]!.method).to.equal('turn/started');
    expect(router.size).to.equal(0);
  });

  it('after the claim, a later subscriber (interrupt waiting for the start) gets the first event, then live ones', async () => {
    const events$ = router.turn('u1', 'claim');
    const owner = collect(events$);
    source.next(turnStarted('u1'));
    source.next(agentDelta('u1', 'm1', 'one'));
    const later = collect(events$);
    source.next(agentDelta('u1', 'm1', 'two'));
    source.next(turnCompleted('u1'));
    expect(methods(await owner)).to.have.length(4);
    const seen = (await later).map((event) => (event.method === 'item/agentMessage/delta' ? event.params.delta : event.method));
    expect(seen).to.deep.equal(['turn/started', 'two', 'turn/completed']);
  });

  it('release(stream) drops the copy; subscribers already attached keep receiving every event', async () => {
    const events$ = router.turn('u1');
    source.next(turnStarted('u1'));
    const attached = collect(events$);
    source.next(agentDelta('u1', 'm1', 'one'));
    router.release(events$);
    router.release(events$); // once is enough; twice changes nothing
    expect(router.replaying).to.equal(0);
    source.next(agentDelta('u1', 'm1', 'two'));
    source.next(turnCompleted('u1'));
    expect(methods(await attached)).to.have.length(4);
  });

  it('keeps the copy while another stream of the turn is held', () => {
    const first$ = router.turn('u1');
    const second$ = router.turn('u1');
    source.next(turnStarted('u1'));
    router.release(first$);
    expect(router.replaying).to.equal(1);
    router.release(second$);
    expect(router.replaying).to.equal(0);
  });

  it('drops the copy of a turn whose stream was garbage-collected', async function () {
    this.timeout(10_000);
    (() => {
      router.turn('u1');
    })();
    source.next(turnStarted('u1'));
    source.next(agentDelta('u1', 'm1', 'one'));
    expect(router.replaying).to.equal(1);
    await collectGarbage(() => router.replaying === 0);
    expect(router.replaying).to.equal(0);
    expect(router.size, 'the turn is still running').to.equal(1);
  });
});

describe('TurnRouter: turns nobody claims are bounded', () => {
  it('deltas for 5,000 turn ids that never start or complete: at most maxUnclaimedTurns held, the oldest dropped with a diagnostic', () => {
    const source = new Subject<ServerNotification>();
    const router = new TurnRouter(source);
    const diagnostics: TurnDiagnostic[] = [];
    router.diagnostics$.subscribe((diagnostic) => diagnostics.push(diagnostic));
    for (let i = 0; i < 5_000; i += 1) {
      source.next(agentDelta(`stray-${i}`, 'm1', 'a'));
      source.next(agentDelta(`stray-${i}`, 'm1', 'b'));
    }
    expect(router.size).to.equal(1_000);
    expect(diagnostics).to.have.length(4_000);
    expect(diagnostics[0]).to.include({ kind: 'unclaimed-turn-dropped', turnId: 'stray-0', reason: 'count', events: 2, threadId: 't1' });
    expect(diagnostics[0]!.message).to.contain('maxUnclaimedTurns');
    expect(diagnostics.at(-1)!.turnId).to.equal('stray-3999');
    router.dispose();
  });

  it('drops unclaimed turns older than unclaimedTurnMaxAgeMs when another opens, and a claim of a dropped turn errors at once', async () => {
    const source = new Subject<ServerNotification>();
    const router = new TurnRouter(source, { unclaimedTurnMaxAgeMs: 20 });
    const diagnostics: TurnDiagnostic[] = [];
    router.diagnostics$.subscribe((diagnostic) => diagnostics.push(diagnostic));
    source.next(turnStarted('old'));
    await new Promise((resolve) => setTimeout(resolve, 40));
    source.next(turnStarted('new'));
    expect(diagnostics.map((d) => [d.turnId, d.reason])).to.deep.equal([['old', 'age']]);
    expect(router.size).to.equal(1);
    // Its later events do not open it again.
    source.next(agentDelta('old', 'm1', 'late'));
    expect(router.size).to.equal(1);
    const error = await lastValueFrom(router.turn('old')).catch((e: unknown) => e);
    expect(String(error)).to.contain('turn old was dropped unclaimed');
    router.dispose();
  });

  it('does not count turns of a thread whose turn/start awaits its answer, nor claimed ones', () => {
    const source = new Subject<ServerNotification>();
    const router = new TurnRouter(source, { maxUnclaimedTurns: 2 });
    const diagnostics: TurnDiagnostic[] = [];
    router.diagnostics$.subscribe((diagnostic) => diagnostics.push(diagnostic));
    const release = router.expectTurnStart('busy');
    for (let i = 0; i < 5; i += 1) source.next(turnStarted(`pending-${i}`, 'busy'));
    const claimed = [0, 1, 2, 3, 4].map((i) => router.turn(`claimed-${i}`));
    for (let i = 0; i < 5; i += 1) source.next(turnStarted(`claimed-${i}`));
    source.next(turnStarted('stray-1', 'other'));
    source.next(turnStarted('stray-2', 'other'));
    expect(diagnostics).to.deep.equal([]);
    source.next(turnStarted('stray-3', 'other'));
    expect(diagnostics.map((d) => d.turnId)).to.deep.equal(['stray-1']);
    expect(router.size).to.equal(12);
    expect(claimed).to.have.length(5);
    release();
    router.dispose();
  });
});
