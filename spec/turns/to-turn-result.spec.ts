import { expect } from 'chai';
import { from, lastValueFrom } from 'rxjs';
import { markReconstructed } from '../../src/turns/is-reconstructed.js';
import type { TestScheduler } from 'rxjs/testing';
import type { TurnResult } from '../../src/turns/turn-result.js';
import { IncompleteTurnError } from '../../src/turns/incomplete-turn-error.js';
import { TurnFailedError } from '../../src/turns/turn-failed-error.js';
import { toTurnResult } from '../../src/turns/to-turn-result.js';
import type { ThreadItem, TurnError } from '../../src/protocol/generated/codecs.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import {
  agentDelta,
  breakdown,
  agentMessage,
  commandDelta,
  commandItem,
  itemCompleted,
  marbleScheduler,
  reasoningItem,
  tokenUsageUpdated,
  turnCompleted,
  turnStarted,
  usage,
} from '../operators/fixtures.js';

const commentary = agentMessage('m1', 'Let me look.', 'commentary');
const command = commandItem('c1', 'ls', 0);
const answer = agentMessage('m2', 'Two files.', 'final_answer');
const firstUsage = usage(10, 110);
const lastUsage = usage(25, 135);

/** A whole turn: started, deltas, three items, two usage updates, completed. */
const turn: Record<string, ServerNotification> = {
  s: turnStarted('u1'),
  d: agentDelta('u1', 'm1', 'Let me'),
  m: itemCompleted('u1', commentary),
  o: commandDelta('u1', 'c1', 'a b\n'),
  x: itemCompleted('u1', command),
  k: tokenUsageUpdated('u1', firstUsage),
  a: itemCompleted('u1', answer),
  l: tokenUsageUpdated('u1', lastUsage),
  c: turnCompleted('u1', { items: [], startedAt: 1_700_000_000, completedAt: 1_700_000_004, durationMs: 4_000 }),
};

const wholeResult: TurnResult = {
  id: 'u1',
  threadId: 't1',
  status: 'completed',
  error: null,
  startedAt: 1_700_000_000,
  completedAt: 1_700_000_004,
  durationMs: 4_000,
  finalResponse: 'Two files.',
  items: [commentary, command, answer],
  usage: lastUsage,
  // 135 at the end, minus 110 - 10 before the turn's first model call.
  turnUsage: breakdown(35),
  goal: null,
};

/** The result of a turn made of `items` (each completed in turn), and nothing else of note. */
function resultOf(items: ThreadItem[], fields: Partial<TurnResult> = {}): TurnResult {
  return {
    id: 'u1',
    threadId: 't1',
    status: 'completed',
    error: null,
    startedAt: 1_700_000_000,
    completedAt: 1_700_000_003,
    durationMs: 3_000,
    finalResponse: null,
    items,
    usage: null,
    turnUsage: null,
    goal: null,
    ...fields,
  };
}

/** A marble for `items`: `s`, one frame per item, then `c`, then completion; and its values. */
function turnOf(items: ThreadItem[], completed = turnCompleted('u1')): { marble: string; values: Record<string, ServerNotification>; end: number } {
  const values: Record<string, ServerNotification> = { s: turnStarted('u1'), c: completed };
  let marble = 's';
  items.forEach((item, i) => {
    const key = String.fromCharCode(97 + i);
    values[key] = itemCompleted('u1', item);
    marble += key;
  });
  marble += 'c|';
  return { marble, values, end: marble.length - 1 };
}

describe('toTurnResult', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = marbleScheduler();
  });

  it('reduces a whole turn to its result, emitted when the events complete', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-d-m-o-x-k-a-l-c|', turn);
      expectObservable(source.pipe(toTurnResult())).toBe('------------------(r|)', { r: wholeResult });
      expectSubscriptions(source.subscriptions).toBe('^-----------------!');
    });
  });

  it('keeps the items in completion order and the last usage update, whatever comes between', () => {
    const events: Record<string, ServerNotification> = {
      ...turn,
      l: tokenUsageUpdated('u1', lastUsage),
      k: tokenUsageUpdated('u1', firstUsage),
    };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // Usage updates in the other order: the last one received wins, not the biggest.
      const source = cold('s(xa)lm-k-c|', events);
      expectObservable(source.pipe(toTurnResult())).toBe('-----------(r|)', {
        // The turn's own usage comes from the first and the last update received.
        r: { ...wholeResult, items: [command, answer, commentary], usage: firstUsage, turnUsage: { ...breakdown(0), inputTokens: -1, outputTokens: 1 } },
      });
      expectSubscriptions(source.subscriptions).toBe('^----------!');
    });
  });

  it('has usage null and no items when the turn reported none', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-c|', turn);
      expectObservable(source.pipe(toTurnResult())).toBe('----(r|)', {
        r: { ...wholeResult, items: [], usage: null, turnUsage: null, finalResponse: null },
      });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('takes null for timing fields the server left out', () => {
    const bare = turnCompleted('u1', { startedAt: null, completedAt: null, durationMs: null });
    const turnObject = bare.params.turn as Record<string, unknown>;
    delete turnObject.startedAt;
    delete turnObject.error;
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('sc|', { s: turnStarted('u1'), c: bare });
      expectObservable(source.pipe(toTurnResult())).toBe('--(r|)', {
        r: resultOf([], { startedAt: null, completedAt: null, durationMs: null, error: null }),
      });
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('takes the items of turn/completed when no item/completed came', () => {
    const events = { s: turnStarted('u1'), c: turnCompleted('u1', { items: [command, answer] }) };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-c|', events);
      expectObservable(source.pipe(toTurnResult())).toBe('----(r|)', { r: resultOf([command, answer], { finalResponse: 'Two files.' }) });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('takes a turn/completed whose turn has no items as a turn without items', () => {
    const bare = turnCompleted('u1');
    delete (bare.params.turn as { items?: unknown }).items;
    const events = { s: turnStarted('u1'), a: itemCompleted('u1', answer), c: bare };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-a-c|', events);
      expectObservable(source.pipe(toTurnResult())).toBe('------(r|)', { r: resultOf([answer], { finalResponse: 'Two files.' }) });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('puts items rebuilt after a reconnection back in the turn\'s order when the end lists it; without a rebuilt item the order is that of arrival', async () => {
    const first = agentMessage('m1', 'Looking around.');
    const last = agentMessage('m2', 'Done.');
    const end = turnCompleted('u1', { items: [first, last] });
    const rebuilt = await lastValueFrom(from([turnStarted('u1'), itemCompleted('u1', last), markReconstructed(itemCompleted('u1', first)), end]).pipe(toTurnResult()));
    expect(rebuilt.items.map((item) => item.id)).to.deep.equal(['m1', 'm2']);
    expect(rebuilt.finalResponse).to.equal('Done.');
    const live = await lastValueFrom(from([turnStarted('u1'), itemCompleted('u1', last), itemCompleted('u1', first), end]).pipe(toTurnResult()));
    expect(live.items.map((item) => item.id)).to.deep.equal(['m2', 'm1']);
  });

  it('keeps the live items over those turn/completed repeats (no duplicates)', () => {
    const events = { s: turnStarted('u1'), x: itemCompleted('u1', command), c: turnCompleted('u1', { items: [command, answer] }) };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-x-c|', events);
      expectObservable(source.pipe(toTurnResult())).toBe('------(r|)', { r: resultOf([command]) });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('takes the thread from turn/completed when turn/started was missed', () => {
    const events = { x: itemCompleted('u1', command, 't9'), c: turnCompleted('u1', {}, 't9') };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-x-c|', events);
      expectObservable(source.pipe(toTurnResult())).toBe('----(r|)', { r: resultOf([command], { threadId: 't9' }) });
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  describe('finalResponse', () => {
    const cases: Array<[string, ThreadItem[], string | null]> = [
      ['two phase-less messages: the second', [agentMessage('m1', 'First'), agentMessage('m2', 'Second')], 'Second'],
      ['"First" then "": ""', [agentMessage('m1', 'First'), agentMessage('m2', '')], ''],
      ['commentary only: null', [agentMessage('m1', 'Looking', 'commentary'), reasoningItem('r1')], null],
      ['commentary then final_answer: the final answer', [agentMessage('m1', 'Looking', 'commentary'), agentMessage('m2', 'Done', 'final_answer')], 'Done'],
      ['final_answer earlier, phase-less later: the final answer', [agentMessage('m1', 'Done', 'final_answer'), agentMessage('m2', 'Later')], 'Done'],
      ['no agent message: null', [command], null],
    ];
    for (const [name, items, expected] of cases) {
      it(name, () => {
        const { marble, values, end } = turnOf(items);
        scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
          const source = cold(marble, values);
          expectObservable(source.pipe(toTurnResult())).toBe(`${end}ms (r|)`, { r: resultOf(items, { finalResponse: expected }) });
          expectSubscriptions(source.subscriptions).toBe(`^${'-'.repeat(end - 1)}!`);
        });
      });
    }
  });

  describe('a failed turn', () => {
    const turnError: TurnError = { message: 'The model is overloaded.', codexErrorInfo: 'serverOverloaded' };
    const failed = { s: turnStarted('u1'), a: itemCompleted('u1', answer), c: turnCompleted('u1', { status: 'failed', error: turnError }) };
    const failedResult = resultOf([answer], { status: 'failed', error: turnError, finalResponse: 'Two files.' });

    it('errors with TurnFailedError, its message the turn error message', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-s-a-c|', failed);
        expectObservable(source.pipe(toTurnResult())).toBe('------#', undefined, new TurnFailedError(failedResult));
        expectSubscriptions(source.subscriptions).toBe('^-----!');
      });
    });

    it('keeps the result on the TurnFailedError', () => {
      let caught: unknown;
      let emitted = 0;
      scheduler.run(({ cold, expectSubscriptions }) => {
        const source = cold('-s-a-c|', failed);
        source.pipe(toTurnResult()).subscribe({ next: () => (emitted += 1), error: (error: unknown) => (caught = error) });
        expectSubscriptions(source.subscriptions).toBe('^-----!');
      });
      expect(emitted).to.equal(0);
      expect(caught).to.be.instanceOf(TurnFailedError);
      expect((caught as TurnFailedError).message).to.equal('The model is overloaded.');
      expect((caught as TurnFailedError).name).to.equal('TurnFailedError');
      expect((caught as TurnFailedError).result).to.deep.equal(failedResult);
    });

    it('names the turn when the server gave no error', () => {
      const events = { s: turnStarted('u1'), c: turnCompleted('u1', { status: 'failed', error: null }) };
      let caught: unknown;
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('sc|', events);
        const result$ = source.pipe(toTurnResult());
        expectObservable(result$).toBe('--#', undefined, new TurnFailedError(resultOf([], { status: 'failed' })));
        result$.subscribe({ error: (error: unknown) => (caught = error) });
        expectSubscriptions(source.subscriptions).toBe(['^-!', '^-!']);
      });
      expect((caught as TurnFailedError).message).to.equal('turn u1 failed');
      expect((caught as TurnFailedError).result.error).to.equal(null);
    });

    it('emits it as a result with { rejectFailed: false }', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-s-a-c|', failed);
        expectObservable(source.pipe(toTurnResult({ rejectFailed: false }))).toBe('------(r|)', { r: failedResult });
        expectSubscriptions(source.subscriptions).toBe('^-----!');
      });
    });

    it('errors with { rejectFailed: true }', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-s-a-c|', failed);
        expectObservable(source.pipe(toTurnResult({ rejectFailed: true }))).toBe('------#', undefined, new TurnFailedError(failedResult));
        expectSubscriptions(source.subscriptions).toBe('^-----!');
      });
    });

    // A caller forwarding its own optional setting passes undefined: that must mean the default.
    it('still errors (the default) with { rejectFailed: undefined }', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-s-a-c|', failed);
        expectObservable(source.pipe(toTurnResult({ rejectFailed: undefined }))).toBe('------#', undefined, new TurnFailedError(failedResult));
        expectSubscriptions(source.subscriptions).toBe('^-----!');
      });
    });
  });

  it('emits an interrupted turn as a result with status interrupted', () => {
    const events = {
      s: turnStarted('u1'),
      m: itemCompleted('u1', commentary),
      c: turnCompleted('u1', { status: 'interrupted', error: null }),
    };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-m-c|', events);
      expectObservable(source.pipe(toTurnResult())).toBe('------(r|)', { r: resultOf([commentary], { status: 'interrupted' }) });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('errors with IncompleteTurnError when the events end without turn/completed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-m-a|', turn);
      expectObservable(source.pipe(toTurnResult())).toBe('------#', undefined, new IncompleteTurnError('u1'));
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('errors with IncompleteTurnError naming the turn, or (unknown) when turn/started was missed too', () => {
    const caught: unknown[] = [];
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const withStart = cold('sm|', turn);
      const withoutStart = cold<ServerNotification>('|');
      expectObservable(withoutStart.pipe(toTurnResult())).toBe('#', undefined, new IncompleteTurnError(undefined));
      withStart.pipe(toTurnResult()).subscribe({ error: (error: unknown) => caught.push(error) });
      withoutStart.pipe(toTurnResult()).subscribe({ error: (error: unknown) => caught.push(error) });
      expectSubscriptions(withStart.subscriptions).toBe('^-!');
      expectSubscriptions(withoutStart.subscriptions).toBe(['(^!)', '(^!)']);
    });
    expect(caught.map((error) => [(error as IncompleteTurnError).name, (error as IncompleteTurnError).turnId])).to.deep.equal([
      ['IncompleteTurnError', undefined],
      ['IncompleteTurnError', 'u1'],
    ]);
    expect((caught[1] as Error).message).to.include('u1');
    expect((caught[0] as Error).message).to.include('(unknown)');
  });

  it('passes an error of the events on as it is', () => {
    const failure = new Error('the notification stream completed');
    let caught: unknown;
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-m-#', turn, failure);
      expectObservable(source.pipe(toTurnResult())).toBe('-----#', undefined, failure);
      source.pipe(toTurnResult()).subscribe({ error: (error: unknown) => (caught = error) });
      expectSubscriptions(source.subscriptions).toBe(['^----!', '^----!']);
    });
    expect(caught).to.equal(failure);
  });

  it('errors with what reading an event threw (a shape lenient decoding let through), and leaves the events', () => {
    const broken = { method: 'thread/tokenUsage/updated', params: { threadId: 't1', turnId: 'u1', tokenUsage: null } } as unknown as ServerNotification;
    let caught: unknown;
    scheduler.run(({ cold, expectSubscriptions }) => {
      const source = cold('-s-b-m-a|', { ...turn, b: broken });
      source.pipe(toTurnResult()).subscribe({ error: (error: unknown) => (caught = error) });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
    expect(caught).to.be.instanceOf(TypeError);
  });

  it('unsubscribes from the events when unsubscribed before the turn completes', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-s-d-m-o-x-k-a-l-c|', turn);
      expectObservable(source.pipe(toTurnResult()), '^-------!').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('gives each subscription its own result (no accumulator shared between subscriptions)', () => {
    const results: TurnResult[] = [];
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-d-m-o-x-k-a-l-c|', turn);
      const result$ = source.pipe(toTurnResult());
      // Overlapping subscriptions, and one long after the others have completed.
      expectObservable(result$).toBe('------------------(r|)', { r: wholeResult });
      expectObservable(result$, '---^').toBe('---------------------(r|)', { r: wholeResult });
      expectObservable(result$, '30ms ^').toBe('48ms (r|)', { r: wholeResult });
      result$.subscribe((result) => results.push(result));
      result$.subscribe((result) => results.push(result));
      // The two plain subscriptions are made at once; expectObservable's when the scheduler flushes.
      expectSubscriptions(source.subscriptions).toBe([
        '^-----------------!',
        '^-----------------!',
        '^-----------------!',
        '---^-----------------!',
        '30ms ^-----------------!',
      ]);
    });
    expect(results).to.have.length(2);
    expect(results[0]).to.deep.equal(wholeResult);
    expect(results[1]).to.deep.equal(wholeResult);
    expect(results[0]).not.to.equal(results[1]);
    expect(results[0]!.items).not.to.equal(results[1]!.items);
  });

  it('gives independent results to the two turns of two sources through one operator instance', () => {
    const operator = toTurnResult();
    const other: Record<string, ServerNotification> = {
      s: turnStarted('u2', 't2'),
      x: itemCompleted('u2', command, 't2'),
      c: turnCompleted('u2', { items: [] }, 't2'),
    };
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const first = cold('-s-m-a-c|', turn);
      const second = cold('s-x-c|', other);
      expectObservable(first.pipe(operator)).toBe('--------(r|)', { r: resultOf([commentary, answer], { finalResponse: 'Two files.', durationMs: 4_000, completedAt: 1_700_000_004 }) });
      expectObservable(second.pipe(operator)).toBe('-----(r|)', { r: resultOf([command], { id: 'u2', threadId: 't2' }) });
      expectSubscriptions(first.subscriptions).toBe('^-------!');
      expectSubscriptions(second.subscriptions).toBe('^----!');
    });
  });
});
