import { expect } from 'chai';
import type { TestScheduler } from 'rxjs/testing';
import { ofMethod } from '../../src/operators/of-method.js';
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

const values: Record<string, ServerNotification> = {
  s: turnStarted('u1'),
  d: agentDelta('u1', 'm1', 'Hel'),
  e: agentDelta('u1', 'm1', 'lo'),
  o: commandDelta('u1', 'c1', 'total 0\n'),
  i: itemCompleted('u1', agentMessage('m1', 'Hello')),
  t: threadStarted(),
  c: turnCompleted('u1'),
  // A method the pinned protocol does not know (a newer server): must never match a known one.
  x: { method: 'item/agentMessage/delta/v3', params: { delta: 'nope' } } as unknown as ServerNotification,
};

describe('ofMethod', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = marbleScheduler();
  });

  it('keeps only the notifications of one method, the same objects, in order', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-d-x-o-e-i-c|', values);
      expectObservable(source.pipe(ofMethod('item/agentMessage/delta'))).toBe('---d-----e----|', values);
      expectSubscriptions(source.subscriptions).toBe('^-------------!');
    });
  });

  it('keeps any of several methods', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-d-t-o-e-i-c|', values);
      expectObservable(source.pipe(ofMethod('turn/started', 'turn/completed', 'item/commandExecution/outputDelta'))).toBe(
        '-s-----o-----c|',
        values,
      );
      expectSubscriptions(source.subscriptions).toBe('^-------------!');
    });
  });

  it('passes nothing when given no method, but still completes', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-d-c|', values);
      expectObservable(source.pipe(ofMethod())).toBe('------|');
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('does not match on a method prefix or an unknown method', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-x-d|', values);
      expectObservable(source.pipe(ofMethod('item/agentMessage/delta'))).toBe('---d|', values);
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('passes the source error on and unsubscribes', () => {
    const failure = new Error('socket closed');
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-d-s-#', values, failure);
      expectObservable(source.pipe(ofMethod('turn/started'))).toBe('---s-#', values, failure);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('unsubscribes from the source when the consumer unsubscribes', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-d-e-d-e-d', values);
      expectObservable(source.pipe(ofMethod('item/agentMessage/delta')), '^----!').toBe('-d-e-', values);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('narrows the notification type by method', () => {
    const seen: string[] = [];
    scheduler.run(({ cold }) => {
      cold('d-o-e|', values)
        .pipe(ofMethod('item/agentMessage/delta'))
        .subscribe((notification) => seen.push(notification.params.delta));
    });
    expect(seen).to.deep.equal(['Hel', 'lo']);
  });
});
