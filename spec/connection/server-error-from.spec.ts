import { expect } from 'chai';
import { serverErrorFrom } from '../../src/connection/server-error-from.js';
import { ThreadWriterConflictError } from '../../src/errors/thread-writer-conflict-error.js';
import { InternalRpcError, InvalidRequestError, ServerBusyError } from '../../src/jsonrpc/json-rpc-error.js';

describe('serverErrorFrom', () => {
  it('makes "thread … already has an active writer" (-32600) a ThreadWriterConflictError naming the thread, still an InvalidRequestError', () => {
    const data = { detail: 'kept' };
    const error = serverErrorFrom({ code: -32600, message: 'thread 01a2-f00 already has an active writer', data }, 'thread/resume');
    expect(error).to.be.instanceOf(ThreadWriterConflictError);
    expect(error).to.be.instanceOf(InvalidRequestError);
    expect(error).to.include({ name: 'ThreadWriterConflictError', threadId: '01a2-f00', code: -32600, method: 'thread/resume', data });
    expect(error.message).to.match(/^thread\/resume: thread 01a2-f00 already has an active writer: another app-server process/);
    expect(error.message).to.contain('(code -32600)');
  });

  it('leaves other answers to jsonRpcErrorFrom: another -32600 message, the same message under another code, overload', () => {
    const other = serverErrorFrom({ code: -32600, message: 'thread not found: 01a2-f00' }, 'turn/start');
    expect(other).to.be.instanceOf(InvalidRequestError).and.not.be.instanceOf(ThreadWriterConflictError);
    expect(other.name).to.equal('InvalidRequestError');
    const internal = serverErrorFrom({ code: -32603, message: 'thread 01a2-f00 already has an active writer' }, 'thread/resume');
    expect(internal).to.be.instanceOf(InternalRpcError).and.not.be.instanceOf(ThreadWriterConflictError);
    expect(serverErrorFrom({ code: -32001, message: 'Server overloaded; retry later.' }, 'thread/list')).to.be.instanceOf(ServerBusyError);
  });
});
