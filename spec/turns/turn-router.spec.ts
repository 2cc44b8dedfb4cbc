import { expect } from 'chai';
import { defer, map, Subject, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { DecodeError } from '../../src/errors/decode-error.js';
import { TransportClosedError } from '../../src/errors/transport-closed-error.js';
import { toTurnResult } from '../../src/turns/to-turn-result.js';
import type { TurnEvent } from '../../src/turns/turn-event.js';
import { TurnRouter } from '../../src/turns/turn-router.js';
import { TurnGoneError } from '../../src/turns/turn-gone-error.js';
import type { TurnResult } from '../../src/turns/turn-result.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import {
  agentDelta,
  agentMessage,
  commandDelta,
  itemCompleted,
  marbleScheduler,
  seededRandom,
  threadStarted,
  tokenUsageUpdated,
  turnCompleted,
  turnStarted,
  usage,
} from '../operators/fixtures.js';

/** Two turns of two threads: u1 (t1) and u2 (t2). */
const events: Record<string, ServerNotification> = {
  a: turnStarted('u1'),
  b: turnStarted('u2', 't2'),
  c: agentDelta('u1', 'm1', 'Hel'),
  d: agentDelta('u2', 'm9', 'Bon', 't2'),
  e: itemCompleted('u1', agentMessage('m1', 'Hello')),
  f: turnCompleted('u2', {}, 't2'),
  g: turnCompleted('u1'),
  t: threadStarted('t3'),
  o: commandDelta('u1', 'c1', 'out'),
};

describe('TurnRouter', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = marbleScheduler({ strictErrors: true });
  });

  it('gives each turn only its own events, in order, from one interleaved source', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-c-d-e-f-g', events);
      const router = new TurnRouter(source);
      expectObservable(router.turn('u1')).toBe('-a---c---e---(g|)', events);
      expectObservable(router.turn('u2')).toBe('---b---d---(f|)', events);
      const sizes = hot('x----------x-x-').pipe(map(() => router.size));
      expectObservable(sizes).toBe('2----------1-0-', { 2: 2, 1: 1, 0: 0 });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('replays a turn from its first event to a late subscriber', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-c-----e---g', events);
      const router = new TurnRouter(source);
      const turn$ = router.turn('u1');
      expectObservable(turn$).toBe('-a-c-----e---(g|)', events);
      expectObservable(turn$, '-----^').toBe('-----(ac)e---(g|)', events);
      // Even after the turn completed, the stream already handed out still has it all.
      expectObservable(turn$, '20ms ^').toBe('20ms (aceg|)', events);
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('keeps the events that arrive before turn(id) is called, and replays them', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-c-d---e-f-g', events);
      const router = new TurnRouter(source);
      let turn$: Observable<TurnEvent> | undefined;
      // turn('u1') is only called at frame 6, after a and c were routed.
      const claimed = defer(() => (turn$ ??= router.turn('u1')));
      expectObservable(claimed, '------^').toBe('------(ac)-e---(g|)', events);
      expectObservable(claimed, '20ms ^').toBe('20ms (aceg|)', events);
      const sizes = hot('--x-------x---x-x').pipe(map(() => router.size));
      expectObservable(sizes).toBe('--1-------2---1-0', { 2: 2, 1: 1, 0: 0 });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('completes a turn after turn/completed and forgets it (size 0)', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-c-g-o', events);
      const router = new TurnRouter(source);
      expectObservable(router.turn('u1')).toBe('-a-c-(g|)', events);
      const sizes = hot('x---x-x').pipe(map(() => router.size));
      expectObservable(sizes).toBe('1---1-0', { 1: 1, 0: 0 });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('unsubscribing from one turn leaves the others and the source subscription alone', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-c-d-e-f-g', events);
      const router = new TurnRouter(source);
      expectObservable(router.turn('u1'), '^----!').toBe('-a---', events);
      expectObservable(router.turn('u1')).toBe('-a---c---e---(g|)', events);
      expectObservable(router.turn('u2')).toBe('---b---d---(f|)', events);
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('errors every live turn when the source errors, and forgets them', () => {
    const failure = new Error('transport closed');
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-c-f-#', events, failure);
      const router = new TurnRouter(source);
      expectObservable(router.turn('u1')).toBe('-a---c---#', events, failure);
      // u2 completed before the error: it stays completed.
      expectObservable(router.turn('u2')).toBe('---b---(f|)', events);
      // A turn asked for after the failure errors at once with the same error.
      expectObservable(defer(() => router.turn('u7')), '------------^').toBe('------------#', undefined, failure);
      const sizes = hot('--------x-x').pipe(map(() => router.size));
      expectObservable(sizes).toBe('--------1-0', { 1: 1, 0: 0 });
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
  });

  it('errors every live turn with TransportClosedError when the source completes (the connection was closed)', () => {
    // A fresh error object: compare by name and message only.
    scheduler = marbleScheduler();
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-|', events);
      const router = new TurnRouter(source);
      const ended = new TransportClosedError('the connection was closed before the turn completed');
      expectObservable(router.turn('u1')).toBe('-a---#', events, ended);
      expectObservable(router.turn('u2')).toBe('---b-#', events, ended);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('dispose() unsubscribes from the source and errors the live turns', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-c-d-e-f-g', events);
      const router = new TurnRouter(source);
      const reason = new Error('codex closed');
      expectObservable(router.turn('u1')).toBe('-a---c-#', events, reason);
      expectObservable(router.turn('u2')).toBe('---b---#', events, reason);
      scheduler.schedule(() => router.dispose(reason), 7);
      const sizes = hot('------x-x').pipe(map(() => router.size));
      expectObservable(sizes).toBe('------2-0', { 2: 2, 0: 0 });
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('dispose() without a reason errors the live turns with a default error', () => {
    let caught: unknown;
    scheduler.run(({ hot, expectSubscriptions }) => {
      const source = hot('-a-c', events);
      const router = new TurnRouter(source);
      router.turn('u1').subscribe({ error: (error: unknown) => (caught = error) });
      scheduler.schedule(() => router.dispose(), 5);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
    expect(caught).to.be.instanceOf(Error);
    expect((caught as Error).message).to.equal('the turn router was disposed');
  });

  it('ignores notifications without a turn', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-t-a-t-g-t', events);
      const router = new TurnRouter(source);
      expectObservable(router.turn('u1')).toBe('---a---(g|)', events);
      const sizes = hot('--x---x---x').pipe(map(() => router.size));
      expectObservable(sizes).toBe('--1---1---0', { 1: 1, 0: 0 });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('ignores notifications without a turn even when nobody asked for any turn (size stays 0)', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-t-t-t', events);
      const router = new TurnRouter(source);
      const sizes = hot('--x---x').pipe(map(() => router.size));
      expectObservable(sizes).toBe('--0---0', { 0: 0 });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('errors only the turn a notification with decodeError belongs to', () => {
    const decodeError = new DecodeError('notification', 'item/completed', { bogus: true }, ['item: expected ThreadItem']);
    const broken = { ...itemCompleted('u1', agentMessage('m1', 'x')), decodeError } as unknown as ServerNotification;
    const values = { ...events, x: broken };
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-c-x-d-f', values);
      const router = new TurnRouter(source);
      expectObservable(router.turn('u1')).toBe('-a---c-#', values, decodeError);
      expectObservable(router.turn('u2')).toBe('---b-----d-(f|)', values);
      const sizes = hot('------x-x---x').pipe(map(() => router.size));
      expectObservable(sizes).toBe('------2-1---0', { 2: 2, 1: 1, 0: 0 });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('errors a turn whose first notification carries decodeError, before anyone asked for it', () => {
    const decodeError = new DecodeError('notification', 'turn/started', {}, ['turn: expected Turn']);
    const broken = { ...turnStarted('u1'), decodeError } as unknown as ServerNotification;
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-x-b', { ...events, x: broken });
      const router = new TurnRouter(source);
      // The error is not kept: the turn is forgotten with it.
      const sizes = hot('--x-x').pipe(map(() => router.size));
      expectObservable(sizes).toBe('--0-1', { 0: 0, 1: 1 });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('drops stragglers of a finished turn instead of opening a turn that never ends', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      // o: a command delta of u1 arriving after u1 completed.
      const source = hot('-a-g-o', events);
      const router = new TurnRouter(source);
      expectObservable(router.turn('u1')).toBe('-a-(g|)', events);
      const sizes = hot('------x').pipe(map(() => router.size));
      expectObservable(sizes).toBe('------0', { 0: 0 });
      expectSubscriptions(source.subscriptions).toBe('^');
    });
  });

  it('errors at once, with a TurnGoneError, when asked for a finished turn whose events were not kept', () => {
    const source = new Subject<ServerNotification>();
    const router = new TurnRouter(source);
    source.next(events['a']!);
    source.next(events['g']!);
    let failure: unknown;
    router.turn('u1').subscribe({ error: (error: unknown) => (failure = error) });
    expect(failure).to.be.instanceOf(TurnGoneError);
    expect(failure).to.include({ turnId: 'u1', reason: 'completed' });
    expect((failure as Error).message).to.equal('turn u1 has already completed and its events were not kept');
    expect(source.observed).to.equal(true);
    expect(router.size).to.equal(0);
  });

  describe('expectTurnStart', () => {
    it('keeps a turn that completes before turn(id) is called, delivers it in full, and size returns to 0 on release', () => {
      scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const source = hot('-a-c-e-g', events);
        const router = new TurnRouter(source);
        const release = router.expectTurnStart('t1');
        // The turn/start response arrives at frame 10: the turn is claimed, then the start released at 13.
        expectObservable(defer(() => router.turn('u1')), '10ms ^').toBe('10ms (aceg|)', events);
        scheduler.schedule(() => release(), 13);
        const sizes = hot('----x---x--x--x').pipe(map(() => router.size));
        expectObservable(sizes).toBe('----1---1--0--0', { 1: 1, 0: 0 });
        expectSubscriptions(source.subscriptions).toBe('^');
      });
    });

    it('keeps the parked turn until release when it is claimed only then: size 1 until release, 0 after', () => {
      scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const source = hot('-a-c-e-g', events);
        const router = new TurnRouter(source);
        const release = router.expectTurnStart('t1');
        let turn$: Observable<TurnEvent> | undefined;
        scheduler.schedule(() => (turn$ = router.turn('u1')), 10);
        scheduler.schedule(() => release(), 12);
        expectObservable(defer(() => turn$!), '15ms ^').toBe('15ms (aceg|)', events);
        const sizes = hot('--------x--x--x').pipe(map(() => router.size));
        expectObservable(sizes).toBe('--------1--0--0', { 1: 1, 0: 0 });
        expectSubscriptions(source.subscriptions).toBe('^');
      });
    });

    it('drops a parked turn that was not claimed when the start is released (claim before releasing)', () => {
      scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const source = hot('-a-c-e-g', events);
        const router = new TurnRouter(source);
        const release = router.expectTurnStart('t1');
        scheduler.schedule(() => release(), 9);
        const sizes = hot('--------x-x').pipe(map(() => router.size));
        expectObservable(sizes).toBe('--------1-0', { 1: 1, 0: 0 });
        expectSubscriptions(source.subscriptions).toBe('^');
      });
    });

    it('parks only the turns of the thread that waits for a start', () => {
      scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const source = hot('-a-b-c-d-e-f-g', events);
        const router = new TurnRouter(source);
        const release = router.expectTurnStart('t2');
        // u1 (t1) completes unclaimed: forgotten at once. u2 (t2) completes unclaimed: parked.
        const sizes = hot('----------x-x-x').pipe(map(() => router.size));
        expectObservable(sizes).toBe('----------2-2-1', { 2: 2, 1: 1 });
        expectObservable(defer(() => router.turn('u2')), '16ms ^').toBe('16ms (bdf|)', events);
        scheduler.schedule(() => release(), 18);
        expectSubscriptions(source.subscriptions).toBe('^');
      });
    });

    it('counts the starts pending on a thread; a release function works only once', () => {
      scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const source = hot('-a-g', events);
        const router = new TurnRouter(source);
        const releaseFirst = router.expectTurnStart('t1');
        const releaseSecond = router.expectTurnStart('t1');
        scheduler.schedule(() => {
          releaseFirst();
          releaseFirst();
        }, 5);
        // Scheduled before the probe below, so it runs first at frame 8.
        scheduler.schedule(() => releaseSecond(), 8);
        const sizes = hot('----x-x-x-x').pipe(map(() => router.size));
        // Still parked after the first start is released (twice): the second one still waits.
        expectObservable(sizes).toBe('----1-1-0-0', { 1: 1, 0: 0 });
        expectSubscriptions(source.subscriptions).toBe('^');
      });
    });

    it('forgets a turn that was seen to completion even while a start on its thread is pending', () => {
      scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const source = hot('-a-c-e-g', events);
        const router = new TurnRouter(source);
        const release = router.expectTurnStart('t1');
        // Someone already watches u1 from its first event: nothing is left to keep for a later claim.
        expectObservable(defer(() => router.turn('u1')), '--^').toBe('--ac-e-(g|)', events);
        const sizes = hot('--------x').pipe(map(() => router.size));
        expectObservable(sizes).toBe('--------0', { 0: 0 });
        scheduler.schedule(() => release(), 12);
        expectSubscriptions(source.subscriptions).toBe('^');
      });
    });

    it('forgets parked turns when the source fails (they completed: nothing to error)', () => {
      const failure = new Error('transport closed');
      scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const source = hot('-a-g-#', events, failure);
        const router = new TurnRouter(source);
        router.expectTurnStart('t1');
        const sizes = hot('----x-x').pipe(map(() => router.size));
        expectObservable(sizes).toBe('----1-0', { 1: 1, 0: 0 });
        expectSubscriptions(source.subscriptions).toBe('^----!');
      });
    });
  });

  it('routes 1,000 interleaved turns, each receiving exactly its own events', () => {
    const source = new Subject<ServerNotification>();
    const router = new TurnRouter(source);
    const count = 1_000;
    const ids = Array.from({ length: count }, (_, i) => `turn-${i}`);
    const threadOf = (i: number): string => `thread-${i % 37}`;
    const steps: Array<(i: number) => ServerNotification> = [
      (i) => turnStarted(ids[i]!, threadOf(i)),
      (i) => agentDelta(ids[i]!, `m${i}`, `text of ${i}`, threadOf(i)),
      (i) => itemCompleted(ids[i]!, agentMessage(`m${i}`, `text of ${i}`), threadOf(i)),
      (i) => tokenUsageUpdated(ids[i]!, usage(i + 1, i + 1), threadOf(i)),
      (i) => turnCompleted(ids[i]!, {}, threadOf(i)),
    ];
    const sent = ids.map(() => [] as ServerNotification[]);
    const received = ids.map(() => [] as TurnEvent[]);
    const completed = ids.map(() => false);
    const results: Array<TurnResult | undefined> = ids.map(() => undefined);
    const watch = (i: number): void => {
      const turn$ = router.turn(ids[i]!);
      turn$.subscribe({
        next: (event) => received[i]!.push(event),
        error: (error: unknown) => expect.fail(`turn ${i} errored: ${String(error)}`),
        complete: () => (completed[i] = true),
      });
      turn$.pipe(toTurnResult()).subscribe((result) => (results[i] = result));
    };
    // Half the turns are watched before their first event, half only once they are under way.
    for (let i = 0; i < count; i += 2) watch(i);
    const random = seededRandom(1_000);
    steps.forEach((step, s) => {
      if (s === 2) for (let i = 1; i < count; i += 2) watch(i);
      // Each step in a shuffled order of turns, with unrelated frames between.
      const order = ids.map((_, i) => i).sort(() => random() - 0.5);
      for (const i of order) {
        const notification = step(i);
        sent[i]!.push(notification);
        source.next(notification);
        if (i % 100 === 0) source.next(threadStarted(threadOf(i)));
      }
    });
    for (let i = 0; i < count; i += 1) {
      expect(received[i], ids[i]).to.have.length(steps.length);
      received[i]!.forEach((event, k) => expect(event, `${ids[i]} event ${k}`).to.equal(sent[i]![k]));
      expect(completed[i], ids[i]).to.equal(true);
      expect(results[i]?.id, ids[i]).to.equal(ids[i]);
      expect(results[i]?.threadId, ids[i]).to.equal(threadOf(i));
      expect(results[i]?.finalResponse, ids[i]).to.equal(`text of ${i}`);
      expect(results[i]?.usage?.last.totalTokens, ids[i]).to.equal(i + 1);
    }
    expect(router.size).to.equal(0);
    expect(source.observed).to.equal(true);
    router.dispose();
    expect(source.observed).to.equal(false);
  });

  it('counts a turn claimed before its first event in liveTurnIds of its thread: from the claim when given, else from its first event', () => {
    const source = new Subject<ServerNotification>();
    const router = new TurnRouter(source);
    router.turn('u1', 'claim').subscribe({ error: () => undefined });
    router.turn('u2', 'claim', 't2').subscribe({ error: () => undefined });
    expect([...router.liveTurnIds('t1')]).to.deep.equal([]);
    expect([...router.liveTurnIds('t2')]).to.deep.equal(['u2']);
    source.next(agentDelta('u1', 'm1', 'Hel'));
    expect([...router.liveTurnIds('t1')]).to.deep.equal(['u1']);
    router.dispose();
  });

  describe('noteStoredTurns (a thread/resume answer)', () => {
    /** u1 runs on t1, started before this client resumed: its turn/started is never seen. */
    const resumed: Record<string, ServerNotification> = {
      u: tokenUsageUpdated('u0', usage(5, 5)),
      c: agentDelta('u1', 'm1', 'Hel'),
      g: turnCompleted('u1'),
    };

    it('counts a running turn in liveTurnIds before any of its events, and forgets it on turn/completed', () => {
      scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const source = hot('---c--g', resumed);
        const router = new TurnRouter(source);
        scheduler.schedule(() => router.noteStoredTurns('t1', [{ id: 'u0', status: 'completed' }, { id: 'u1', status: 'inProgress' }]), 1);
        const live = hot('--x-x--x').pipe(map(() => [...router.liveTurnIds('t1')].join(',')));
        expectObservable(live).toBe('--a-a--b', { a: 'u1', b: '' });
        const sizes = hot('--x----x').pipe(map(() => router.size));
        expectObservable(sizes).toBe('--1----0', { 1: 1, 0: 0 });
        expectSubscriptions(source.subscriptions).toBe('^');
      });
    });

    it('lets no event about the last ended turn hold it open, whether it came before or after the answer', () => {
      for (const answerAt of [0, 3]) {
        scheduler = marbleScheduler({ strictErrors: true });
        scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
          const source = hot('-u----u', resumed);
          const router = new TurnRouter(source);
          scheduler.schedule(() => router.noteStoredTurns('t1', [{ id: 'u0', status: 'completed' }]), answerAt);
          const sizes = hot('----x---x').pipe(map(() => router.size));
          expectObservable(sizes).toBe('----0---0', { 0: 0 });
          expectSubscriptions(source.subscriptions).toBe('^');
        });
      }
    });

    it('leaves a claimed turn and a turn it already saw end as they are', () => {
      scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
        const source = hot('-c-g', resumed);
        const router = new TurnRouter(source);
        expectObservable(router.turn('u1')).toBe('-c-(g|)', resumed);
        // Stored as interrupted by a stale read: the claim still ends with the turn's own turn/completed.
        scheduler.schedule(() => router.noteStoredTurns('t1', [{ id: 'u1', status: 'interrupted' }]), 2);
        // A stale answer that still lists it running does not open it again.
        scheduler.schedule(() => router.noteStoredTurns('t1', [{ id: 'u1', status: 'inProgress' }]), 5);
        const sizes = hot('------x').pipe(map(() => router.size));
        expectObservable(sizes).toBe('------0', { 0: 0 });
        expectSubscriptions(source.subscriptions).toBe('^');
      });
    });
  });
});
