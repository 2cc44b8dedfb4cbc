import { expect } from 'chai';
import { lastValueFrom, Subject } from 'rxjs';
import type { RpcConnection } from '../../src/connection/rpc-connection.js';
import { TurnHandle } from '../../src/client/turn-handle.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import { IncompleteTurnError } from '../../src/turns/incomplete-turn-error.js';
import { TurnRouter } from '../../src/turns/turn-router.js';
import { TurnStream } from '../../src/turns/turn-stream.js';
import {
  agentDelta,
  agentMessage,
  itemCompleted,
  tokenUsageUpdated,
  turnCompleted,
  turnStarted,
  usage,
} from '../operators/fixtures.js';

/** The thread of the fixtures' events. */
const THREAD = 't1';

/** A turn's notifications, a router over them, and the requests its handles send. */
function setup() {
  const notifications = new Subject<ServerNotification>();
  const router = new TurnRouter(notifications);
  const requests: Array<{ method: string; params: unknown }> = [];
  const connection = {
    request: async (method: string, params: unknown) => {
      requests.push({ method, params });
      return {};
    },
  } as unknown as RpcConnection;
  const handle = (turnId: string, stallTimeoutMs = 0) => {
    const events$ = router.turn(turnId, 'claim');
    return new TurnHandle(connection, THREAD, turnId, events$, { stallTimeoutMs, requestTimeoutMs: 1_000 }, () => router.release(events$));
  };
  return { notifications, router, requests, handle };
}

function fullTurn(turnId: string): ServerNotification[] {
  return [
    turnStarted(turnId),
    agentDelta(turnId, 'm1', 'Hel'),
    agentDelta(turnId, 'm1', 'lo'),
    itemCompleted(turnId, agentMessage('m1', 'Hello')),
    tokenUsageUpdated(turnId, usage(10, 30)),
    turnCompleted(turnId),
  ];
}

describe('TurnHandle.run (the direct reader of a claimed turn)', () => {
  it('reads the router stream directly, and resolves with what result$ gives for the same events', async () => {
    const direct = setup();
    const viaStream = setup();
    const first = direct.handle('u1', 60_000);
    const second = viaStream.handle('u1', 60_000);
    expect(second.events$).to.not.be.instanceOf(TurnStream); // the stall-watching wrapper
    const running = first.run();
    const streamed = lastValueFrom(second.result$);
    for (const event of fullTurn('u1')) {
      direct.notifications.next(event);
      viaStream.notifications.next(event);
    }
    const [a, b] = await Promise.all([running, streamed]);
    expect(a).to.deep.equal(b);
    expect(a.finalResponse).to.equal('Hello');
    expect(a.turnUsage?.totalTokens).to.equal(10);
    expect(direct.router.size).to.equal(0);
  });

  it('resolves for a turn that ended before run() was called (replayed from the claim)', async () => {
    const { notifications, handle, router } = setup();
    const release = router.expectTurnStart(THREAD);
    for (const event of fullTurn('u2')) notifications.next(event);
    const turn = handle('u2', 60_000);
    release();
    const result = await turn.run();
    expect(result.status).to.equal('completed');
    expect(router.size).to.equal(0);
  });

  it('rejects, rather than hangs, on an event it cannot read (lenient decoding let it through)', async () => {
    const { notifications, handle } = setup();
    const running = handle('u3', 60_000).run();
    notifications.next(turnStarted('u3'));
    notifications.next({ method: 'thread/tokenUsage/updated', params: { threadId: THREAD, turnId: 'u3', tokenUsage: null } } as unknown as ServerNotification);
    notifications.next(turnCompleted('u3'));
    const error = await running.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).to.be.instanceOf(TypeError);
  });

  it('rejects with the stream error when the connection ends mid-turn', async () => {
    const { notifications, handle } = setup();
    const running = handle('u4').run();
    notifications.next(turnStarted('u4'));
    notifications.complete();
    const error = await running.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect((error as Error).name).to.equal('TransportClosedError');
  });

  it('run({ signal }): an abort rejects at once with AbortError and interrupts the turn', async () => {
    const { notifications, handle, requests } = setup();
    const controller = new AbortController();
    const running = handle('u5', 60_000).run({ signal: controller.signal });
    notifications.next(turnStarted('u5'));
    notifications.next(agentDelta('u5', 'm1', 'Hel'));
    controller.abort();
    const error = await running.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect((error as DOMException).name).to.equal('AbortError');
    await new Promise((resolve) => setImmediate(resolve));
    expect(requests).to.deep.equal([{ method: 'turn/interrupt', params: { threadId: THREAD, turnId: 'u5' } }]);
  });

  it('run({ signal }) with an already aborted signal rejects at once; a turn already ended resolves and sends nothing', async () => {
    const aborted = setup();
    const error = await aborted
      .handle('u6')
      .run({ signal: AbortSignal.abort() })
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect((error as DOMException).name).to.equal('AbortError');

    const ended = setup();
    const release = ended.router.expectTurnStart(THREAD);
    for (const event of fullTurn('u7')) ended.notifications.next(event);
    const turn = ended.handle('u7');
    release();
    const controller = new AbortController();
    const result = await turn.run({ signal: controller.signal });
    controller.abort();
    await new Promise((resolve) => setImmediate(resolve));
    expect(result.status).to.equal('completed');
    expect(ended.requests).to.deep.equal([]);
  });

  it('a second run() on the same handle reads through result$ and still gets the result', async () => {
    const { notifications, handle } = setup();
    const turn = handle('u8', 60_000);
    const first = turn.run();
    notifications.next(turnStarted('u8'));
    const second = turn.run();
    for (const event of fullTurn('u8').slice(1)) notifications.next(event);
    const [a, b] = await Promise.all([first, second]);
    expect(a.finalResponse).to.equal('Hello');
    expect(b.finalResponse).to.equal('Hello');
  });

  it('reads any other Observable through result$: IncompleteTurnError when its events end without turn/completed', async () => {
    const events$ = new Subject<ServerNotification>();
    const turn = new TurnHandle({} as RpcConnection, THREAD, 'u9', events$ as never, {});
    const running = turn.run();
    events$.next(turnStarted('u9'));
    events$.complete();
    const error = await running.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).to.be.instanceOf(IncompleteTurnError);
  });
});
