import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { RpcConnection, type RequestOptions } from '../../src/connection/rpc-connection.js';
import type { RpcConnectionConfig } from '../../src/connection/rpc-connection-config.js';
import { RequestTimeoutError } from '../../src/errors/request-timeout-error.js';
import { ServerBusyError } from '../../src/jsonrpc/json-rpc-error.js';
import type { JsonRpcRequest } from '../../src/jsonrpc/json-rpc-message.js';
import { FakeTransport } from '../support/fake-transport.js';
import { settle } from '../support/no-unhandled-errors.js';

const INITIALIZE_RESULT = { userAgent: 'codex-cli/0.169.0', codexHome: '/tmp/h', platformFamily: 'unix', platformOs: 'linux' };
const PAGE = { data: [], nextCursor: null };

async function readyConnection(config: RpcConnectionConfig) {
  const transport = new FakeTransport();
  transport.autoRespond = (request) => (request.method === 'initialize' ? { result: INITIALIZE_RESULT } : undefined);
  const connection = new RpcConnection(transport, config);
  await connection.initialize({ clientInfo: { name: 'spec', version: '0' } });
  const list = (limit: number, options: RequestOptions = {}) => connection.request('thread/list', { limit }, options);
  const onWire = () => transport.requests('thread/list').filter((r) => !answered.has(r.id));
  const answered = new Set<unknown>();
  const answer = (request: JsonRpcRequest, reply: object = { result: PAGE }) => {
    answered.add(request.id);
    transport.receive({ id: request.id, ...reply } as never);
  };
  return { transport, connection, list, onWire, answer };
}

const limits = (requests: JsonRpcRequest[]) => requests.map((r) => (r.params as { limit: number }).limit);

describe('admission control: at most maxInFlightRequests on the wire', () => {
  it('sends the first N, and each answer lets the next waiting request go, in call order', async () => {
    const { connection, list, onWire, answer } = await readyConnection({ maxInFlightRequests: 3 });
    const calls = [1, 2, 3, 4, 5, 6].map((limit) => list(limit));
    expect(limits(onWire())).to.deep.equal([1, 2, 3]);
    expect(connection.pendingRequests).to.equal(6);
    answer(onWire()[1]!);
    expect(limits(onWire())).to.deep.equal([1, 3, 4]);
    for (const request of onWire()) answer(request);
    expect(limits(onWire())).to.deep.equal([5, 6]);
    for (const request of onWire()) answer(request);
    await Promise.all(calls);
    expect(connection.pendingRequests).to.equal(0);
    await connection.close();
  });

  it('a waiting request aborted by its signal, or unsubscribed, is never sent and frees nothing it did not hold', async () => {
    const { connection, transport, list, onWire, answer } = await readyConnection({ maxInFlightRequests: 1 });
    const first = list(1);
    const abort = new AbortController();
    const aborted = list(2, { signal: abort.signal }).catch((e: unknown) => e);
    const subscription = connection.request$('thread/list', { limit: 3 }).subscribe({ error: () => {} });
    const last = list(4);
    abort.abort();
    subscription.unsubscribe();
    expect(((await aborted) as Error).name).to.equal('AbortError');
    answer(onWire()[0]!);
    await first;
    expect(limits(onWire())).to.deep.equal([4]);
    answer(onWire()[0]!);
    await last;
    expect(limits(transport.requests('thread/list'))).to.deep.equal([1, 4]);
    await connection.close();
  });

  it('the timeout counts from the send: waiting for a slot does not use it up', async () => {
    const { connection, list, onWire, answer } = await readyConnection({ maxInFlightRequests: 1, requestTimeoutMs: 60 });
    const first = list(1);
    const waiting = list(2).catch((e: unknown) => e);
    await settle(40);
    answer(onWire()[0]!);
    await first;
    await settle(40);
    // 80 ms after the call, 40 ms after it was sent: still waiting for its answer.
    expect(limits(onWire())).to.deep.equal([2]);
    expect(await waiting).to.be.instanceOf(RequestTimeoutError);
    await connection.close();
  });

  it('close() fails the waiting requests as well as those on the wire', async () => {
    const { connection, list } = await readyConnection({ maxInFlightRequests: 1 });
    const calls = [1, 2, 3].map((limit) => list(limit).catch((e: unknown) => (e as Error).name));
    await connection.close();
    expect(await Promise.all(calls)).to.deep.equal(['TransportClosedError', 'TransportClosedError', 'TransportClosedError']);
  });

  it('a request refused for overload (-32001) is sent again under a new id, holding its slot, until it gets through', async () => {
    const { connection, transport, list, onWire, answer } = await readyConnection({ maxInFlightRequests: 1 });
    const overloaded = { error: { code: -32001, message: 'Server overloaded; retry later.' } };
    const call = list(1);
    const queued = list(2);
    answer(onWire()[0]!, overloaded);
    await settle(0);
    expect(onWire()).to.deep.equal([]);
    // The retry comes after the backoff (250 ms ± 20 %), and the waiting request is still held back.
    const resent = await firstValueFrom(transport.sent$);
    expect(limits([resent as JsonRpcRequest])).to.deep.equal([1]);
    answer(resent as JsonRpcRequest);
    expect((await call).data).to.deep.equal([]);
    answer(onWire()[0]!);
    await queued;
    await connection.close();
  });

  it('passes ServerBusyError on after maxOverloadRetries', async () => {
    const { connection, transport, list, onWire, answer } = await readyConnection({ maxOverloadRetries: 1 });
    const overloaded = { error: { code: -32001, message: 'Server overloaded; retry later.' } };
    const call = list(1).catch((e: unknown) => e);
    answer(onWire()[0]!, overloaded);
    answer((await firstValueFrom(transport.sent$)) as JsonRpcRequest, overloaded);
    expect(await call).to.be.instanceOf(ServerBusyError);
    await connection.close();
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new RpcConnection(new FakeTransport(), { maxInFlightRequests: 0 })).to.throw(RangeError);
    expect(() => new RpcConnection(new FakeTransport(), { maxInFlightRequests: 1.5 })).to.throw(RangeError);
  });
});
