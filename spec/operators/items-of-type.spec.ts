import { expect } from 'chai';
import type { TestScheduler } from 'rxjs/testing';
import { itemsOfType } from '../../src/operators/items-of-type.js';
import type { ThreadItem } from '../../src/protocol/generated/codecs.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import {
  agentMessage,
  commandItem,
  itemCompleted,
  marbleScheduler,
  planItem,
  reasoningItem,
  turnCompleted,
  turnStarted,
} from './fixtures.js';

const items: Record<string, ThreadItem> = {
  r: reasoningItem('r1'),
  x: commandItem('c1', 'ls', 0),
  y: commandItem('c2', 'false', 1),
  m: agentMessage('m1', 'Done.', 'final_answer'),
  p: planItem('p1', '1. look'),
};

const events: Record<string, ServerNotification> = {
  s: turnStarted('u1'),
  r: itemCompleted('u1', items.r!),
  x: itemCompleted('u1', items.x!),
  y: itemCompleted('u1', items.y!),
  m: itemCompleted('u1', items.m!),
  p: itemCompleted('u1', items.p!),
  c: turnCompleted('u1', { items: [items.x!] }),
};

describe('itemsOfType', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = marbleScheduler();
  });

  it('keeps the completed items of one type', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-r-x-m-y-p-c|', events);
      expectObservable(source.pipe(itemsOfType('commandExecution'))).toBe('-----x---y----|', items);
      expectSubscriptions(source.subscriptions).toBe('^-------------!');
    });
  });

  it('keeps the completed items of several types, in their order', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-r-x-m-y-p-c|', events);
      expectObservable(source.pipe(itemsOfType('agentMessage', 'plan', 'reasoning'))).toBe('---r---m---p--|', items);
      expectSubscriptions(source.subscriptions).toBe('^-------------!');
    });
  });

  it('emits nothing for a type that never completes, or for no type', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-r-x-m|', events);
      expectObservable(source.pipe(itemsOfType('fileChange'))).toBe('------|');
      expectObservable(source.pipe(itemsOfType())).toBe('------|');
      expectSubscriptions(source.subscriptions).toBe(['^-----!', '^-----!']);
    });
  });

  it('passes the source error on', () => {
    const failure = new Error('closed');
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-x-r-#', events, failure);
      expectObservable(source.pipe(itemsOfType('commandExecution'))).toBe('-x---#', items, failure);
      expectSubscriptions(source.subscriptions).toBe('^----!');
    });
  });

  it('unsubscribes from the source with its consumer', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-x-y-x-y', events);
      expectObservable(source.pipe(itemsOfType('commandExecution')), '---^-!').toBe('---y-', items);
      expectSubscriptions(source.subscriptions).toBe('---^-!');
    });
  });

  it('types the items by their type', () => {
    const seen: Array<[string, number | null | undefined]> = [];
    scheduler.run(({ cold }) => {
      cold('x-m-y|', events)
        .pipe(itemsOfType('commandExecution'))
        .subscribe((item) => seen.push([item.command, item.exitCode]));
    });
    expect(seen).to.deep.equal([
      ['ls', 0],
      ['false', 1],
    ]);
  });
});
