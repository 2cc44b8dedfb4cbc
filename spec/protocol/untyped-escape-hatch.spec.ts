import { expect } from 'chai';
import { MethodNotFoundError } from '../../src/jsonrpc/json-rpc-error.js';
import { RpcConnection, type ConnectionDiagnostic } from '../../src/connection/rpc-connection.js';
import type { UntypedNotification } from '../../src/protocol/untyped-notification.js';
import { clientRequestCodecs } from '../../src/protocol/generated/methods.js';
import { startScriptedCodex, type ScriptedCodex } from '../../src/testing/scripted-codex.js';
import { FakeTransport } from '../support/fake-transport.js';

describe('untyped escape hatch', function () {
  this.timeout(30_000);

  describe('against the real server', () => {
    let scripted: ScriptedCodex;
    before(async () => {
      scripted = await startScriptedCodex();
    });
    after(() => scripted.dispose());

    it('calls a method the server has and the generated map lacks, and hands back its raw result', async () => {
      // The server names every method it accepts when refusing one it does not know.
      const refusal = (await scripted.codex.requestUntyped('no/such/method', {}).catch((e: unknown) => e)) as Error;
      const serverMethods = [...refusal.message.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
      expect(serverMethods).to.include.members(['initialize', 'thread/start', 'getAuthStatus']);
      const unknownToTheMap = serverMethods.filter((method) => !(method in clientRequestCodecs) && method !== 'no/such/method');
      expect(unknownToTheMap).to.include('getAuthStatus');

      const typed = await scripted.codex.request('getAuthStatus' as never, {} as never).catch((e: unknown) => e);
      expect(typed).to.be.instanceOf(MethodNotFoundError);
      expect((typed as Error).message).to.contain('nothing was sent');

      const result = await scripted.codex.requestUntyped('getAuthStatus', {});
      expect(result).to.deep.include({ requiresOpenaiAuth: false });
    });

    it('sends known methods unchecked too, and rejects with the server\'s error', async () => {
      const page = (await scripted.codex.requestUntyped('thread/list', { limit: 1 })) as { data: unknown[] };
      expect(page.data).to.be.an('array');
      const error = (await scripted.codex.requestUntyped('thread/realtime/list', {}).catch((e: unknown) => e)) as Error;
      expect(error.message).to.contain('missing field `threadId`');
      expect(scripted.codex.metadata.versionMismatch).to.equal(false);
    });
  });

  it('counts unknown notifications on diagnostics$ once per method; every one stays on untypedNotifications$', async () => {
    const transport = new FakeTransport();
    transport.autoRespond = (request) =>
      request.method === 'initialize' ? { result: { userAgent: 'codex_rx/0.171.0', codexHome: '/h', platformFamily: 'unix', platformOs: 'linux' } } : undefined;
    const connection = new RpcConnection(transport);
    await connection.initialize({ clientInfo: { name: 'spec', version: '0' } });
    const diagnostics: ConnectionDiagnostic[] = [];
    const untyped: UntypedNotification[] = [];
    connection.diagnostics$.subscribe((d) => diagnostics.push(d));
    connection.untypedNotifications$.subscribe((n) => untyped.push(n));
    transport.receive({ method: 'thread/brandNew', params: { n: 1 } });
    transport.receive({ method: 'thread/brandNew', params: { n: 2 } });
    transport.receive({ method: 'other/new', params: {} });
    transport.receive({ method: 'thread/brandNew', params: { n: 3 } });
    expect(untyped.map((n) => n.method)).to.deep.equal(['thread/brandNew', 'thread/brandNew', 'other/new', 'thread/brandNew']);
    expect(diagnostics).to.deep.equal([
      { kind: 'untyped-notification', method: 'thread/brandNew', message: 'thread/brandNew: a notification the generated protocol does not know' },
      { kind: 'untyped-notification', method: 'other/new', message: 'other/new: a notification the generated protocol does not know' },
    ]);
    await connection.close();
  });
});
