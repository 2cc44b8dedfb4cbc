import { reduce } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { agentTextDeltas } from '../../src/operators/agent-text-deltas.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import {
  agentDelta,
  agentMessage,
  commandDelta,
  itemCompleted,
  marbleScheduler,
  threadStarted,
  turnCompleted,
  turnStarted,
} from './fixtures.js';

const events: Record<string, ServerNotification> = {
  s: turnStarted('u1'),
  a: agentDelta('u1', 'm1', 'Hel'),
  b: agentDelta('u1', 'm1', 'lo'),
  e: agentDelta('u1', 'm1', ''),
  n: agentDelta('u1', 'm2', ' wörld\n'),
  o: commandDelta('u1', 'c1', 'not agent text'),
  i: itemCompleted('u1', agentMessage('m1', 'Hello')),
  t: threadStarted(),
  c: turnCompleted('u1'),
};

describe('agentTextDeltas', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = marbleScheduler();
  });

  it('emits the text of each agent message delta, in order, and nothing else', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-a-o-b-t-i-n-c|', events);
      expectObservable(source.pipe(agentTextDeltas())).toBe('---a---b-----n--|', {
        a: 'Hel',
        b: 'lo',
        n: ' wörld\n',
      });
      expectSubscriptions(source.subscriptions).toBe('^---------------!');
    });
  });

  it('keeps empty deltas (they are text too)', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-e-b|', events);
      expectObservable(source.pipe(agentTextDeltas())).toBe('a-e-b|', { a: 'Hel', e: '', b: 'lo' });
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('emits nothing for a turn without agent text, and completes with it', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-o-i-c|', events);
      expectObservable(source.pipe(agentTextDeltas())).toBe('--------|');
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('passes the source error on after the text so far', () => {
    const failure = new Error('transport closed');
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-#', events, failure);
      expectObservable(source.pipe(agentTextDeltas())).toBe('-a-b-#', { a: 'Hel', b: 'lo' }, failure);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('stops listening to the source when unsubscribed', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-a-b-a-b', events);
      expectObservable(source.pipe(agentTextDeltas()), '--^---!').toBe('---b-a', { a: 'Hel', b: 'lo' });
      expectSubscriptions(source.subscriptions).toBe('--^---!');
    });
  });

  it('joins into the whole message', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-a-b-n-c|', events);
      expectObservable(source.pipe(agentTextDeltas(), reduce((text, delta) => text + delta, ''))).toBe('----------(x|)', {
        x: 'Hello wörld\n',
      });
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });
});
