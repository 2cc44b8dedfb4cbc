import { expect } from 'chai';
import type { CodexDiagnostic } from '../../src/client/codex-diagnostic.js';
import { Codex } from '../../src/client/codex.js';
import type { ConnectionDiagnostic } from '../../src/connection/rpc-connection.js';
import type { CodexConfig } from '../../src/client/codex-config.js';
import type { IncomingServerRequest } from '../../src/connection/server-request.js';
import type { JsonRpcMessage } from '../../src/jsonrpc/json-rpc-message.js';
import { FakeTurnServer } from '../support/fake-turn-server.js';
import { settle } from '../support/no-unhandled-errors.js';

/** A command approval whose params miss every required member. */
const BAD_APPROVAL = { id: 'approval-1', method: 'item/commandExecution/requestApproval', params: { command: 42 } } as unknown as JsonRpcMessage;
const BAD_NOTIFICATION = { method: 'turn/started', params: { turn: 'not a turn' } } as unknown as JsonRpcMessage;

async function connected(config: CodexConfig) {
  const server = new FakeTurnServer();
  const codex = await Codex.connect({ transport: () => server.transport, ...config });
  const diagnostics: CodexDiagnostic[] = [];
  const seen: IncomingServerRequest[] = [];
  codex.diagnostics$.subscribe({ next: (d) => diagnostics.push(d), error: () => {} });
  codex.serverRequests$.subscribe({ next: (r) => seen.push(r), error: () => {} });
  const answerTo = (id: string) => server.transport.sent.find((m) => 'id' in m && m.id === id && !('method' in m));
  return { server, codex, diagnostics, seen, answerTo };
}

describe('one decode check for every message from the server', () => {
  it('strictDecoding answers a server request whose params fail their codec with invalid params, without showing it', async () => {
    const { server, codex, diagnostics, seen, answerTo } = await connected({ strictDecoding: true });
    server.transport.receive(BAD_APPROVAL);
    await settle(0);
    expect(seen).to.deep.equal([]);
    expect(answerTo('approval-1')).to.deep.include({ error: { code: -32602, message: 'the client could not decode the params of item/commandExecution/requestApproval' } });
    expect(diagnostics.map((d) => (d.kind === 'decode-error' ? `${d.error.kind} ${d.error.method}` : d.kind))).to.deep.equal([
      'server request item/commandExecution/requestApproval',
    ]);
    await codex.close();
  });

  it('lenient decoding reports the failure and still shows the request as it was sent', async () => {
    const { server, codex, diagnostics, seen } = await connected({});
    server.transport.receive(BAD_APPROVAL);
    await settle(0);
    expect(seen.map((r) => r.params)).to.deep.equal([{ command: 42 }]);
    expect(diagnostics.map((d) => d.kind)).to.deep.equal(['decode-error']);
    seen[0]!.decline();
    await codex.close();
  });

  for (const option of ['validateServerMessages', 'validateNotifications'] as const) {
    it(`${option}: false checks neither notifications nor server requests`, async () => {
      const { server, codex, diagnostics, seen } = await connected({ [option]: false, strictDecoding: true });
      server.transport.receive(BAD_NOTIFICATION);
      server.transport.receive(BAD_APPROVAL);
      await settle(0);
      expect(diagnostics).to.deep.equal([]);
      expect(seen).to.have.length(1);
      seen[0]!.decline();
      await codex.close();
    });
  }
});
