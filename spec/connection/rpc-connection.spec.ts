import { expect } from 'chai';
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { RpcConnection, type ConnectionDiagnostic } from '../../src/connection/rpc-connection.js';
import { ConnectionStateError } from '../../src/errors/connection-state-error.js';
import {
  InvalidParamsError,
  InvalidRequestError,
  JsonRpcError,
  MethodNotFoundError,
  ServerBusyError,
} from '../../src/jsonrpc/json-rpc-error.js';
import { RequestTimeoutError } from '../../src/errors/request-timeout-error.js';
import { TransportClosedError } from '../../src/errors/transport-closed-error.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import type { JsonRpcRequest } from '../../src/jsonrpc/json-rpc-message.js';
import { FakeTransport } from '../support/fake-transport.js';

const INITIALIZE_RESULT = { userAgent: 'codex-cli/0.169.0', codexHome: '/tmp/h', platformFamily: 'unix', platformOs: 'linux' };

async function readyConnection(config: ConstructorParameters<typeof RpcConnection>[1] = {}) {
  const transport = new FakeTransport();
  transport.autoRespond = (request) => (request.method === 'initialize' ? { result: INITIALIZE_RESULT } : undefined);
  const connection = new RpcConnection(transport, config);
  await connection.initialize({ clientInfo: { name: 'spec', version: '0' } });
  return { transport, connection };
}

describe('RpcConnection', () => {
  it('initializes, then sends the initialized notification and becomes ready', async () => {
    const { transport, connection } = await readyConnection();
    expect(connection.state).to.equal('ready');
    expect(transport.sent.map((m) => ('method' in m ? m.method : 'response'))).to.deep.equal(['initialize', 'initialized']);
    expect(transport.sent[1]).to.not.have.property('id');
  });

  it('refuses requests before initialize and a second initialize', async () => {
    const transport = new FakeTransport();
    const connection = new RpcConnection(transport);
    const error = await connection.request('thread/list', {}).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ConnectionStateError);
    expect(transport.sent).to.have.length(0);
    const ready = await readyConnection();
    const again = await ready.connection.initialize({ clientInfo: { name: 'x', version: '0' } }).catch((e: unknown) => e);
    expect(again).to.be.instanceOf(ConnectionStateError);
  });

  it('correlates responses by id, whatever their order', async () => {
    const { transport, connection } = await readyConnection();
    const first = connection.request('thread/list', { limit: 1 });
    const second = connection.request('model/list', {});
    const [a, b] = transport.requests().slice(-2) as [JsonRpcRequest, JsonRpcRequest];
    transport.receive({ id: b.id, result: { data: [], nextCursor: null } });
    transport.receive({ id: a.id, result: { data: [], nextCursor: null, backwardsCursor: null } });
    expect(await second).to.deep.equal({ data: [], nextCursor: null });
    expect(await first).to.have.property('data');
  });

  it('maps error codes to typed errors naming the method', async () => {
    const { transport, connection } = await readyConnection({ maxOverloadRetries: 0 });
    const cases: [number, new (...args: never[]) => JsonRpcError][] = [
      [-32001, ServerBusyError],
      [-32600, InvalidRequestError],
      [-32601, MethodNotFoundError],
      [-32602, InvalidParamsError],
      [-31999, JsonRpcError],
    ];
    for (const [code, ErrorClass] of cases) {
      const pending = connection.request('thread/list', {});
      const request = transport.requests('thread/list').at(-1)!;
      transport.receive({ id: request.id, error: { code, message: 'nope', data: { why: 1 } } });
      const error = (await pending.catch((e: unknown) => e)) as JsonRpcError;
      expect(error).to.be.instanceOf(ErrorClass);
      expect(error.code).to.equal(code);
      expect(error.method).to.equal('thread/list');
      expect(error.data).to.deep.equal({ why: 1 });
      expect(error.message).to.contain('thread/list').and.contain('nope');
    }
  });

  it('rejects unknown methods and invalid params before writing anything', async () => {
    const { transport, connection } = await readyConnection();
    const before = transport.sent.length;
    const unknown = await (connection.request as (m: string, p: unknown) => Promise<unknown>)('thread/explode', {}).catch((e: unknown) => e);
    expect(unknown).to.be.instanceOf(MethodNotFoundError);
    const invalid = (await connection
      .request('thread/name/set', { threadId: 42 as never, name: 'x' })
      .catch((e: unknown) => e)) as Error;
    expect(invalid, String(invalid)).to.be.instanceOf(InvalidParamsError);
    const secret = 'sk-test-DO-NOT-PRINT';
    const login = (await connection.request('account/login/start', { type: 'apiKey', apiKey: 42 as never, secret } as never).catch((e: unknown) => e)) as Error;
    expect(login).to.be.instanceOf(InvalidParamsError);
    expect(login.message).to.contain('apiKey');
    expect(login.message).to.not.contain(secret);
    expect(transport.sent.length).to.equal(before);
  });

  it('times out a request that gets no answer, and ignores the late answer', async () => {
    const { transport, connection } = await readyConnection({ requestTimeoutMs: 30 });
    const diagnostics: ConnectionDiagnostic[] = [];
    connection.diagnostics$.subscribe((d) => diagnostics.push(d));
    const error = await connection.request('thread/list', {}).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(RequestTimeoutError);
    expect((error as Error).message).to.contain('thread/list');
    transport.receive({ id: transport.requests('thread/list')[0]!.id, result: { data: [] } });
    expect(diagnostics.map((d) => d.kind)).to.deep.equal(['unexpected-response']);
  });

  it('aborts with an AbortSignal, and request$ abandons the request on unsubscribe', async () => {
    const { transport, connection } = await readyConnection();
    const controller = new AbortController();
    const pending = connection.request('thread/list', {}, { signal: controller.signal });
    controller.abort();
    const error = (await pending.catch((e: unknown) => e)) as Error;
    expect(error.name).to.equal('AbortError');

    const subscription = connection.request$('model/list', {}).subscribe();
    const request = transport.requests('model/list')[0]!;
    subscription.unsubscribe();
    const diagnostics: ConnectionDiagnostic[] = [];
    connection.diagnostics$.subscribe((d) => diagnostics.push(d));
    transport.receive({ id: request.id, result: { data: [] } });
    expect(diagnostics).to.have.length(1);
  });

  it('decodes notifications by method and passes unknown methods through untyped', async () => {
    const { transport, connection } = await readyConnection();
    const typed = firstValueFrom(connection.notifications$);
    const untyped = firstValueFrom(connection.untypedNotifications$);
    transport.receive({ method: 'thread/brandNew', params: { x: 1 } });
    transport.receive({ method: 'item/agentMessage/delta', params: { threadId: 't', turnId: 'u', itemId: 'i', delta: 'Hi' } });
    const notification = (await typed) as ServerNotification;
    expect(notification.method).to.equal('item/agentMessage/delta');
    if (notification.method === 'item/agentMessage/delta') expect(notification.params.delta).to.equal('Hi');
    expect(await untyped).to.deep.equal({ method: 'thread/brandNew', params: { x: 1 } });
  });

  it('reports a notification that fails its codec as a DecodeError and still delivers it', async () => {
    const { transport, connection } = await readyConnection();
    const diagnostic = firstValueFrom(connection.diagnostics$);
    const delivered = firstValueFrom(connection.notifications$);
    transport.receive({ method: 'turn/completed', params: { threadId: 't', turn: { id: 42 } } });
    const reported = await diagnostic;
    expect(reported.kind).to.equal('decode-error');
    if (reported.kind === 'decode-error') {
      expect(reported.error.method).to.equal('turn/completed');
      expect(reported.error.raw).to.deep.equal({ threadId: 't', turn: { id: 42 } });
      expect(reported.error.report.join('\n')).to.contain('turn.id');
    }
    expect((await delivered).params).to.deep.equal({ threadId: 't', turn: { id: 42 } });
  });

  it('answers server requests with the default when nobody else does', async () => {
    const { transport, connection } = await readyConnection();
    const answered = firstValueFrom(transport.sent$);
    transport.receive({ id: 'srv-1', method: 'item/permissions/requestApproval', params: { threadId: 't', turnId: 'u', itemId: 'i', permissions: {} } });
    expect(await answered).to.deep.equal({ id: 'srv-1', result: { permissions: {} } });
    const unknown = firstValueFrom(transport.sent$);
    transport.receive({ id: 'srv-2', method: 'item/brandNew/request', params: {} });
    expect(await unknown).to.deep.include({ id: 'srv-2' });
    expect((await unknown) as object).to.have.nested.property('error.code', -32601);
    void connection;
  });

  it('answers with a handler (sync, Promise or Observable) and through serverRequests$', async () => {
    const { transport, connection } = await readyConnection({
      serverRequestHandlers: { 'item/commandExecution/requestApproval': async () => ({ decision: 'decline' as const }) },
    });
    const approval = { threadId: 't', turnId: 'u', itemId: 'i', command: 'rm -rf /', cwd: '/', reason: null };
    let answer = firstValueFrom(transport.sent$);
    transport.receive({ id: 1, method: 'item/commandExecution/requestApproval', params: approval });
    expect(await answer).to.deep.equal({ id: 1, result: { decision: 'decline' } });

    const subscription = connection.serverRequests$.subscribe((request) => {
      if (request.method === 'item/fileChange/requestApproval') request.respond(Promise.resolve({ decision: 'cancel' as const }));
    });
    answer = firstValueFrom(transport.sent$);
    transport.receive({ id: 2, method: 'item/fileChange/requestApproval', params: { threadId: 't', turnId: 'u', itemId: 'i' } });
    expect(await answer).to.deep.equal({ id: 2, result: { decision: 'cancel' } });
    subscription.unsubscribe();
  });

  it('fails every pending request with TransportClosedError when the transport dies', async () => {
    const { transport, connection } = await readyConnection();
    const pending = [connection.request('thread/list', {}), connection.request('model/list', {})];
    const notifications = connection.notifications$.pipe(take(1), toArray());
    const notificationError = firstValueFrom(notifications).catch((e: unknown) => e);
    transport.fail();
    for (const request of pending) {
      const error = (await request.catch((e: unknown) => e)) as TransportClosedError;
      expect(error).to.be.instanceOf(TransportClosedError);
      expect(error.message).to.contain('exit code 1').and.contain('boom');
    }
    expect(await notificationError).to.be.instanceOf(TransportClosedError);
    expect(connection.state).to.equal('closed');
    const after = await connection.request('thread/list', {}).catch((e: unknown) => e);
    expect(after).to.be.instanceOf(TransportClosedError);
  });

  it('close() fails pending requests, closes the transport once, and is idempotent', async () => {
    const { transport, connection } = await readyConnection();
    const pending = connection.request('thread/list', {});
    // A deliberate close ends the notification stream cleanly: it is not an error to subscribers.
    const notifications = lastValueFrom(connection.notifications$.pipe(toArray()));
    await Promise.all([connection.close(), connection.close()]);
    expect(await notifications).to.deep.equal([]);
    await connection.close();
    expect(await pending.catch((e: unknown) => e)).to.be.instanceOf(TransportClosedError);
    expect(transport.closeCalls).to.equal(1);
    expect(() => connection.notify('initialized')).to.throw(TransportClosedError);
  });

  it('closes when initialize fails', async () => {
    const transport = new FakeTransport();
    transport.autoRespond = () => ({ error: { code: -32603, message: 'broken' } });
    const connection = new RpcConnection(transport);
    const error = await connection.initialize({ clientInfo: { name: 'x', version: '0' } }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(JsonRpcError);
    expect(connection.state).to.equal('closed');
    expect(transport.closeCalls).to.equal(1);
  });
});
