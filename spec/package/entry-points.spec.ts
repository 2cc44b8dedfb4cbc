import { expect } from 'chai';

// Imported by package name: this goes through package.json's `exports` map to the built dist/,
// as a user's `import … from 'codex-rx'` does (npm test builds before running the specs).
describe('package entry points', () => {
  it('codex-rx exposes the client, operators, transports, errors and protocol', async () => {
    const api = (await import('codex-rx')) as Record<string, unknown>;
    for (const name of [
      'Codex',
      'Thread',
      'TurnHandle',
      'Sandbox',
      'ApprovalMode',
      'toTurnResult',
      'retryOnOverload',
      'isRetryableError',
      'agentTextDeltas',
      'answerServerRequests',
      'toAsyncIterable',
      'toReadable',
      'failSafeServerRequestAnswer',
      'StdioTransport',
      'WebSocketTransport',
      'UnixSocketTransport',
      'JsonRpcError',
      'ServerBusyError',
      'TransportClosedError',
      'DecodeError',
      'protocol',
    ]) {
      expect(api[name], name).to.not.equal(undefined);
    }
    expect((api['protocol'] as Record<string, unknown>)['ThreadItem']).to.have.property('decode');
  });

  it('codex-rx/advanced exposes the plumbing, and codex-rx does not', async () => {
    const api = (await import('codex-rx')) as Record<string, unknown>;
    const advanced = (await import('codex-rx/advanced')) as Record<string, unknown>;
    for (const name of [
      'RpcConnection',
      'DEFAULT_RPC_CONNECTION_CONFIG',
      'TurnRouter',
      'turnIdOf',
      'overloadDelayMs',
      'DEFAULT_RETRY_ON_OVERLOAD_CONFIG',
      'JsonlDecoder',
      'jsonRpcErrorFrom',
      'clientRequestCodecs',
      'serverNotificationCodecs',
      'serverRequestCodecs',
      'validationReport',
    ]) {
      expect(advanced[name], name).to.not.equal(undefined);
      expect(api[name], name).to.equal(undefined);
    }
  });

  it('codex-rx/browser exposes the client over the standard WebSocket, and codex-rx/relay the relay', async () => {
    const browser = (await import('codex-rx/browser')) as Record<string, unknown>;
    for (const name of ['Codex', 'Thread', 'TurnHandle', 'agentTextDeltas', 'retryOnOverload', 'BrowserWebSocketTransport', 'TransportClosedError', 'protocol']) {
      expect(browser[name], name).to.not.equal(undefined);
    }
    for (const name of ['StdioTransport', 'WebSocketTransport', 'UnixSocketTransport']) expect(browser[name], name).to.equal(undefined);
    const relay = (await import('codex-rx/relay')) as Record<string, unknown>;
    for (const name of ['createRelay', 'webPage']) expect(relay[name], name).to.be.a('function');
  });

  it('codex-rx/testing exposes the scripted model and the harness', async () => {
    const testing = (await import('codex-rx/testing')) as Record<string, unknown>;
    for (const name of ['startScriptedCodex', 'AppServerHarness', 'MockResponsesServer', 'response', 'deltas', 'assistantMessage', 'execCommand', 'failed', 'gate', 'usage']) {
      expect(testing[name], name).to.be.a('function');
    }
  });
});
