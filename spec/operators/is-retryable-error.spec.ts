import { expect } from 'chai';
import { DecodeError } from '../../src/errors/decode-error.js';
import {
  InternalRpcError,
  InvalidParamsError,
  InvalidRequestError,
  JsonRpcError,
  jsonRpcErrorFrom,
  MethodNotFoundError,
  ServerBusyError,
} from '../../src/jsonrpc/json-rpc-error.js';
import { TurnFailedError } from '../../src/turns/turn-failed-error.js';
import { isRetryableError } from '../../src/operators/is-retryable-error.js';

describe('isRetryableError', () => {
  it('retries ServerBusyError (-32001, sent with no data)', () => {
    expect(isRetryableError(new ServerBusyError(-32001, 'Server overloaded; retry later.'))).to.equal(true);
    expect(isRetryableError(jsonRpcErrorFrom({ code: -32001, message: 'Server overloaded; retry later.' }, 'thread/start'))).to.equal(true);
  });

  it('does not retry the other standard JSON-RPC errors', () => {
    expect(isRetryableError(new InvalidParamsError(-32602, 'Invalid params'))).to.equal(false);
    expect(isRetryableError(new InvalidRequestError(-32600, 'Invalid request'))).to.equal(false);
    expect(isRetryableError(new MethodNotFoundError(-32601, 'Method not found'))).to.equal(false);
    expect(isRetryableError(new InternalRpcError(-32603, 'Internal error'))).to.equal(false);
    expect(isRetryableError(new JsonRpcError(-32000, 'Something else', { reason: 'quota' }))).to.equal(false);
  });

  it('retries a JSON-RPC error whose data mentions server_overloaded, however nested', () => {
    const cases: unknown[] = [
      'server_overloaded',
      'upstream said: server_overloaded (503)',
      { codexErrorInfo: 'server_overloaded' },
      { error: { details: [{ kind: 'other' }, { kind: 'server_overloaded' }] } },
      ['x', ['y', 'server_overloaded']],
      { server_overloaded: true },
      { nested: { server_overloaded: null } },
    ];
    for (const data of cases) {
      expect(isRetryableError(new JsonRpcError(-32000, 'Request failed', data)), JSON.stringify(data)).to.equal(true);
      // Whatever the class the code picked.
      expect(isRetryableError(new InternalRpcError(-32603, 'Internal error', data)), JSON.stringify(data)).to.equal(true);
    }
  });

  it('does not retry a JSON-RPC error whose data does not mention server_overloaded', () => {
    const cases: unknown[] = [null, 0, false, '', 'serverbusy', { codexErrorInfo: 'other' }, [1, 2, 3], { server: 'overloaded' }];
    for (const data of cases) {
      expect(isRetryableError(new JsonRpcError(-32000, 'Request failed', data)), JSON.stringify(data)).to.equal(false);
    }
  });

  it('retries a turn that failed because the model was overloaded, and no other failed turn', () => {
    const failedTurn = (codexErrorInfo: unknown) =>
      new TurnFailedError({
        id: 'u1',
        threadId: 't1',
        status: 'failed',
        error: { message: 'busy', codexErrorInfo: codexErrorInfo as never },
        startedAt: null,
        completedAt: null,
        durationMs: null,
        finalResponse: null,
        items: [],
        usage: null,
        turnUsage: null,
        goal: null,
      });
    expect(isRetryableError(failedTurn('serverOverloaded'))).to.equal(true);
    expect(isRetryableError(failedTurn('contextWindowExceeded'))).to.equal(false);
    expect(isRetryableError(failedTurn(null))).to.equal(false);
  });

  it('does not look at messages or at errors that are not JSON-RPC errors', () => {
    expect(isRetryableError(new JsonRpcError(-32000, 'server_overloaded'))).to.equal(false);
    expect(isRetryableError(new Error('server_overloaded'))).to.equal(false);
    expect(isRetryableError(new DecodeError('response', 'thread/start', { server_overloaded: true }, ['server_overloaded']))).to.equal(false);
    expect(isRetryableError(Object.assign(new Error('x'), { data: 'server_overloaded' }))).to.equal(false);
    expect(isRetryableError({ code: -32001, message: 'Server overloaded; retry later.' })).to.equal(false);
    expect(isRetryableError('server_overloaded')).to.equal(false);
    expect(isRetryableError(undefined)).to.equal(false);
    expect(isRetryableError(null)).to.equal(false);
  });

  it('terminates on cyclic data, and stops looking very deep', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(isRetryableError(new JsonRpcError(-32000, 'x', cyclic))).to.equal(false);

    let deep: unknown = 'server_overloaded';
    for (let i = 0; i < 50; i += 1) deep = { inner: deep };
    expect(isRetryableError(new JsonRpcError(-32000, 'x', deep))).to.equal(false);
    let shallow: unknown = 'server_overloaded';
    for (let i = 0; i < 3; i += 1) shallow = { inner: shallow };
    expect(isRetryableError(new JsonRpcError(-32000, 'x', shallow))).to.equal(true);
  });
});
