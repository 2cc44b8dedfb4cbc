import type { TestScheduler } from 'rxjs/testing';
import { commandOutput } from '../../src/operators/command-output.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import { agentDelta, commandDelta, commandItem, itemCompleted, marbleScheduler, turnCompleted, turnStarted } from './fixtures.js';

const events: Record<string, ServerNotification> = {
  s: turnStarted('u1'),
  a: commandDelta('u1', 'c1', 'total 2\n'),
  b: commandDelta('u1', 'c2', 'error: nope\n'),
  d: commandDelta('u1', 'c1', 'README.md\n'),
  e: commandDelta('u1', 'c1', ''),
  m: agentDelta('u1', 'm1', 'agent text, not command output'),
  i: itemCompleted('u1', commandItem('c1', 'ls', 0)),
  c: turnCompleted('u1'),
};

const chunks = {
  a: { itemId: 'c1', text: 'total 2\n' },
  b: { itemId: 'c2', text: 'error: nope\n' },
  d: { itemId: 'c1', text: 'README.md\n' },
  e: { itemId: 'c1', text: '' },
};

describe('commandOutput', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = marbleScheduler();
  });

  it('emits each output delta as { itemId, text }, in order, across commands', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-a-m-b-d-i-c|', events);
      expectObservable(source.pipe(commandOutput())).toBe('---a---b-d----|', chunks);
      expectSubscriptions(source.subscriptions).toBe('^-------------!');
    });
  });

  it('keeps empty chunks and emits exactly the two fields', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('(ae)|', events);
      expectObservable(source.pipe(commandOutput())).toBe('(ae)|', chunks);
      expectSubscriptions(source.subscriptions).toBe('^---!');
    });
  });

  it('emits nothing when no command runs', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-s-m-c|', events);
      expectObservable(source.pipe(commandOutput())).toBe('------|');
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('passes the source error on', () => {
    const failure = new Error('boom');
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-#', events, failure);
      expectObservable(source.pipe(commandOutput())).toBe('-a-#', chunks, failure);
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('unsubscribes from the source with its consumer', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('a-b-d-a-b-d', events);
      expectObservable(source.pipe(commandOutput()), '-^---!').toBe('--b-d', chunks);
      expectSubscriptions(source.subscriptions).toBe('-^---!');
    });
  });
});
