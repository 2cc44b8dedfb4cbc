import { expect } from 'chai';
import { realpathSync, statSync } from 'node:fs';
import { inspect } from 'node:util';
import type { ClientOptions } from 'ws';
import { Codex } from '../../src/client/codex.js';
import '../../src/client/node-transport.js';
import { AuthenticationError } from '../../src/errors/authentication-error.js';
import { DecodeError } from '../../src/errors/decode-error.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { UnixSocketTransport } from '../../src/transport/unix-socket-transport.js';
import { WebSocketTransport } from '../../src/transport/websocket-transport.js';
import { FakeTurnServer } from '../support/fake-turn-server.js';
import { startUnixSocketServer, startWebSocketServer } from '../support/server-processes.js';

const API_KEY = 'sk-proj-SECRET-api-key-4f7c2a9e';
const TOKEN = 'SECRET-capability-token-91b3e0d5';

/** Every way an error is shown: message, stack, toString, util.inspect (console.log), JSON. */
function renderings(error: unknown): string {
  const e = error as Error;
  return [e.message, e.stack, String(e), inspect(e, { depth: 8 }), JSON.stringify(e)].join('\n');
}

function expectNoSecret(error: unknown): void {
  expect(error).to.be.instanceOf(Error);
  const text = renderings(error);
  expect(text).to.not.contain(API_KEY);
  expect(text).to.not.contain(TOKEN);
}

describe('security: secrets stay out of errors, tokens stay off plain remote sockets', function () {
  this.timeout(60_000);

  it('keeps the token out of a refused WebSocket login, and calls a token function once per connection', async () => {
    const harness = await AppServerHarness.create();
    const server = await startWebSocketServer({ dir: harness.codexHome, env: harness.env, dispose: async () => undefined }, TOKEN);
    try {
      expectNoSecret(await Codex.connect({ transport: { url: server.url, token: `${TOKEN}-wrong` } }).catch((e: unknown) => e));
      const refused = await WebSocketTransport.connect(server.url, { token: 'not-it' }).catch((e: unknown) => e);
      expect(refused).to.be.instanceOf(AuthenticationError);

      let calls = 0;
      const rotating = () => {
        calls += 1;
        return TOKEN;
      };
      for (let i = 0; i < 2; i += 1) {
        const codex = await Codex.connect({ transport: { url: server.url, token: rotating } });
        await codex.close();
      }
      expect(calls).to.equal(2);
    } finally {
      await server.stop();
      await harness.dispose();
    }
  });

  it('refuses a token over plain ws:// to a host that is not loopback, before connecting, unless the caller opts in', async () => {
    const attempts: ClientOptions[] = [];
    const factory = (_url: string, options: ClientOptions): never => {
      attempts.push(options);
      throw new Error('connection attempt stopped by the spec');
    };
    for (const url of ['ws://codex.example:4500', 'ws://10.0.0.7:4500', 'ws://[2001:db8::1]:4500']) {
      const error = await WebSocketTransport.connect(url, { token: TOKEN, webSocketFactory: factory }).catch((e: unknown) => e);
      expectNoSecret(error);
      expect((error as Error).message).to.match(/ws:\/\//);
      expect((error as Error).message).to.contain('allowInsecureToken');
    }
    expect(attempts, 'no socket was opened').to.have.length(0);

    // Loopback needs no opt-in; a remote host does.
    await WebSocketTransport.connect('ws://127.0.0.1:4500', { token: TOKEN, webSocketFactory: factory }).catch(() => undefined);
    await WebSocketTransport.connect('ws://codex.example:4500', { token: TOKEN, webSocketFactory: factory, allowInsecureToken: true }).catch(
      (e: unknown) => expectNoSecret(e),
    );
    expect(attempts).to.have.length(2);
    for (const options of attempts) {
      expect(options.headers).to.deep.include({ Authorization: `Bearer ${TOKEN}` });
      expect(Object.keys(options.headers ?? {}).map((h) => h.toLowerCase())).to.not.include('origin');
    }
  });

  it('keeps an API key out of a params error and values out of decode errors', async () => {
    const server = new FakeTurnServer();
    server.otherwise = (request) =>
      request.method === 'account/read' ? { result: { requiresOpenaiAuth: 'yes', account: { type: 'apiKey', leaked: API_KEY } } } : { result: {} };
    const codex = await Codex.connect({ transport: () => server.transport, strictDecoding: true });
    try {
      const badParams = await codex.request('account/login/start', { type: 'apiKey', apiKey: [API_KEY] as never }).catch((e: unknown) => e);
      expectNoSecret(badParams);
      expect((badParams as Error).message).to.contain('apiKey');
      const badResult = await codex.account().catch((e: unknown) => e);
      expect(badResult).to.be.instanceOf(DecodeError);
      expect((badResult as DecodeError).message).to.contain('requiresOpenaiAuth');
      // The raw value is kept for whoever needs it, but no rendering of the error shows it.
      expect(JSON.stringify((badResult as DecodeError).raw)).to.contain(API_KEY);
      expectNoSecret(badResult);
    } finally {
      await codex.close();
    }
  });

  it('connects through the server\'s unix socket, which only its owner may use (0600)', async () => {
    const harness = await AppServerHarness.create();
    const server = await startUnixSocketServer({ dir: harness.codexHome, env: harness.env, dispose: async () => undefined });
    try {
      const socket = realpathSync(server.socketPath);
      expect(statSync(socket).isSocket()).to.equal(true);
      expect(statSync(socket).mode & 0o777).to.equal(0o600);
      const transport = await UnixSocketTransport.connect(`unix://${server.socketPath}`);
      const codex = await Codex.connect({ transport: () => transport });
      expect(codex.metadata.serverVersion).to.match(/^\d+\./);
      await codex.close();
    } finally {
      await server.stop();
      await harness.dispose();
    }
  });
});
