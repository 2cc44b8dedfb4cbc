import { expect } from 'chai';
import { Subject } from 'rxjs';
import type { RpcConnection } from '../../src/connection/rpc-connection.js';
import { StallWatch } from '../../src/client/stall-watch.js';
import type { TurnEvent } from '../../src/turns/turn-event.js';

const delta = (n: number) =>
  ({ method: 'item/agentMessage/delta', params: { threadId: 'thr', turnId: 'turn', itemId: 'msg', delta: String(n) } }) as TurnEvent;

const retryError = {
  method: 'error',
  params: { threadId: 'thr', turnId: 'turn', willRetry: true, error: { message: 'Reconnecting… 1/5', codexErrorInfo: null, additionalDetails: null } },
} as unknown as TurnEvent;

/**
 * A connection that records what the watch asks, and answers `thread/read` with a thread waiting
 * for a person (so a check re-arms the watch rather than ending the turn).
 */
function recordingConnection(): { readonly connection: RpcConnection; readonly asked: string[]; readonly checked: Promise<void> } {
  const asked: string[] = [];
  let onCheck = () => undefined as void;
  const checked = new Promise<void>((resolve) => (onCheck = resolve));
  const connection = {
    request: async (method: string) => {
      asked.push(method);
      onCheck();
      return { thread: { status: { type: 'active', activeFlags: ['waitingOnApproval'] } } };
    },
  } as unknown as RpcConnection;
  return { connection, asked, checked };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('StallWatch', () => {
  it('does not check a turn whose events keep coming, however long it runs, and checks once they stop', async () => {
    const events = new Subject<TurnEvent>();
    const { connection, asked, checked } = recordingConnection();
    const stallTimeoutMs = 600;
    const watch = new StallWatch(events, { connection, threadId: 'thr', turnId: 'turn', stallTimeoutMs, interrupt: async () => undefined });
    // Progress every 100 ms for four times the timeout: a watch that ignored progress would have checked three times.
    for (let n = 0; n < 24; n += 1) {
      await sleep(100);
      events.next(delta(n));
    }
    expect(asked).to.deep.equal([]);
    await checked;
    expect(asked).to.deep.equal(['thread/read']);
    expect(watch.ending).to.equal(false);
    events.complete();
  });

  it('does not count an error the server will retry as progress', async () => {
    const events = new Subject<TurnEvent>();
    const { connection, asked, checked } = recordingConnection();
    const watch = new StallWatch(events, { connection, threadId: 'thr', turnId: 'turn', stallTimeoutMs: 300, interrupt: async () => undefined });
    // Only retry errors: the watch checks while they are still arriving.
    let stop = false;
    const retrying = (async () => {
      while (!stop) {
        events.next(retryError);
        await sleep(50);
      }
    })();
    await checked;
    stop = true;
    await retrying;
    expect(asked).to.deep.equal(['thread/read']);
    expect(watch.ending).to.equal(false);
    events.complete();
  });

  it('completes its verdict empty and checks nothing when the turn ends by itself', async () => {
    const events = new Subject<TurnEvent>();
    const { connection, asked } = recordingConnection();
    const watch = new StallWatch(events, { connection, threadId: 'thr', turnId: 'turn', stallTimeoutMs: 100, interrupt: async () => undefined });
    const verdict: string[] = [];
    watch.verdict$.subscribe({ next: (event) => verdict.push(event.method), complete: () => verdict.push('complete') });
    events.next(delta(0));
    events.complete();
    await sleep(300);
    expect(verdict).to.deep.equal(['complete']);
    expect(asked).to.deep.equal([]);
  });
});
