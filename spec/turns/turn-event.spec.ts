import { expect } from 'chai';
import { map } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { turnIdOf, type TurnEvent } from '../../src/turns/turn-event.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import {
  agentDelta,
  agentMessage,
  commandDelta,
  itemCompleted,
  marbleScheduler,
  threadStarted,
  tokenUsageUpdated,
  turnCompleted,
  turnStarted,
  usage,
} from '../operators/fixtures.js';

describe('turnIdOf', () => {
  it('reads turnId from the params of item and usage notifications', () => {
    expect(turnIdOf(agentDelta('u1', 'm1', 'x'))).to.equal('u1');
    expect(turnIdOf(commandDelta('u2', 'c1', 'x'))).to.equal('u2');
    expect(turnIdOf(itemCompleted('u3', agentMessage('m1', 'x')))).to.equal('u3');
    expect(turnIdOf(tokenUsageUpdated('u4', usage(1, 1)))).to.equal('u4');
  });

  it('reads the id of the turn that turn/started and turn/completed carry', () => {
    expect(turnIdOf(turnStarted('u5'))).to.equal('u5');
    expect(turnIdOf(turnCompleted('u6'))).to.equal('u6');
  });

  it('prefers params.turnId over params.turn.id', () => {
    expect(turnIdOf({ method: 'x', params: { turnId: 'direct', turn: { id: 'nested' } } })).to.equal('direct');
  });

  it('falls back to params.turn.id when turnId is not a string', () => {
    expect(turnIdOf({ method: 'x', params: { turnId: 42, turn: { id: 'nested' } } })).to.equal('nested');
    expect(turnIdOf({ method: 'x', params: { turnId: null, turn: { id: 'nested' } } })).to.equal('nested');
  });

  it('is undefined for a notification without a turn', () => {
    expect(turnIdOf(threadStarted())).to.equal(undefined);
    expect(turnIdOf({ method: 'account/updated', params: {} })).to.equal(undefined);
    expect(turnIdOf({ method: 'x', params: { turn: { id: 7 } } })).to.equal(undefined);
    expect(turnIdOf({ method: 'x', params: { turn: null } })).to.equal(undefined);
    expect(turnIdOf({ method: 'x', params: { turn: {} } })).to.equal(undefined);
  });

  it('is undefined, without throwing, for params that are not an object', () => {
    for (const params of [undefined, null, 'u1', 42, true]) {
      expect(turnIdOf({ method: 'x', params }), String(params)).to.equal(undefined);
    }
  });

  describe('in a stream', () => {
    let scheduler: TestScheduler;
    beforeEach(() => {
      scheduler = marbleScheduler();
    });

    it('maps each notification to its turn, undefined for the others', () => {
      const events: Record<string, ServerNotification> = {
        s: turnStarted('u1'),
        t: threadStarted(),
        d: agentDelta('u2', 'm', 'x'),
        c: turnCompleted('u1'),
      };
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-s-t-d-c|', events);
        expectObservable(source.pipe(map(turnIdOf))).toBe('-a-n-b-a|', { a: 'u1', b: 'u2', n: undefined });
        expectSubscriptions(source.subscriptions).toBe('^-------!');
      });
    });
  });
});

describe('TurnEvent', () => {
  it('is exactly the notifications that name a turn: every one of them has a turn id for turnIdOf', () => {
    const events: TurnEvent[] = [
      turnStarted('u1'),
      agentDelta('u1', 'm1', 'Hi'),
      itemCompleted('u1', agentMessage('m1', 'Hi')),
      tokenUsageUpdated('u1', usage(1, 1)),
      turnCompleted('u1'),
    ];
    expect(events.map((event) => turnIdOf(event))).to.deep.equal(['u1', 'u1', 'u1', 'u1', 'u1']);
    const started = threadStarted('t1');
    // @ts-expect-error a thread-wide notification is a ServerNotification, never a TurnEvent
    const notTurnScoped: TurnEvent = started;
    expect(turnIdOf(notTurnScoped)).to.equal(undefined);
  });
});
