import type { TestScheduler } from 'rxjs/testing';
import { completedItems } from '../../src/operators/completed-items.js';
import type { ThreadItem } from '../../src/protocol/generated/codecs.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import {
  agentDelta,
  agentMessage,
  commandItem,
  itemCompleted,
  marbleScheduler,
  reasoningItem,
  turnCompleted,
  turnStarted,
} from './fixtures.js';

const items: Record<string, ThreadItem> = {
  r: reasoningItem('r1'),
  x: commandItem('c1', 'ls', 0),
  m: agentMessage('m1', 'Done.', 'final_answer'),
};

const events: Record<string, ServerNotification> = {
  s: turnStarted('u1'),
  d: agentDelta('u1', 'm1', 'Do'),
  r: itemCompleted('u1', items.r!),
  x: itemCompleted('u1', items.x!),
  m: itemCompleted('u1', items.m!),
  // The items a turn/completed repeats are not completed items of the stream.
  c: turnCompleted('u1', { items: [items.r!, items.x!, items.m!] }),
  i: { method: 'item/started', params: { threadId: 't1', turnId: 'u1', item: items.x!, startedAtMs: 1 } } as unknown as ServerNotification,
};

describe('completedItems', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = marbleScheduler();
  });

  it('emits the item of each item/completed, in order, and ignores started items and turn/completed', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-r-i-x-d-m-c|', events);
      expectObservable(source.pipe(completedItems())).toBe('---r---x---m--|', items);
      expectSubscriptions(source.subscriptions).toBe('^-------------!');
    });
  });

  it('emits several items completed in the same frame', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-(rxm)-|', events);
      expectObservable(source.pipe(completedItems())).toBe('-(rxm)-|', items);
      expectSubscriptions(source.subscriptions).toBe('^------!');
    });
  });

  it('passes the source error on', () => {
    const failure = new Error('decode failure');
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-r-#', events, failure);
      expectObservable(source.pipe(completedItems())).toBe('-r-#', items, failure);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribes from the source with its consumer', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-r-x-m-r-x-m', events);
      expectObservable(source.pipe(completedItems()), '^--!').toBe('-r-', items);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });
});
