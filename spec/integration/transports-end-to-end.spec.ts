import { expect } from 'chai';
import { lastValueFrom, takeWhile, toArray } from 'rxjs';
import { Codex } from '../../src/client/codex.js';
import '../../src/client/node-transport.js';
import { RpcConnection, type ConnectionDiagnostic } from '../../src/connection/rpc-connection.js';
import { AuthenticationError } from '../../src/errors/authentication-error.js';
import { TransportClosedError } from '../../src/errors/transport-closed-error.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import type { UntypedNotification } from '../../src/protocol/untyped-notification.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { response } from '../../src/testing/script/response.js';
import { StdioTransport } from '../../src/transport/stdio-transport.js';
import type { Transport } from '../../src/transport/transport.js';
import { UnixSocketTransport } from '../../src/transport/unix-socket-transport.js';
import { WebSocketTransport } from '../../src/transport/websocket-transport.js';
import { startUnixSocketServer, startWebSocketServer, type ListeningServer, type TempCodexHome } from '../support/server-processes.js';

const TOKEN = 'capability-token-for-specs-0123456789';

interface Endpoint {
  readonly transport: Transport;
  readonly server?: ListeningServer;
  readonly url?: string;
}

/** The harness's CODEX_HOME in the shape the listening-server helpers take. */
function homeOf(harness: AppServerHarness): TempCodexHome {
  return { dir: harness.codexHome, env: harness.env, dispose: async () => undefined };
}

const TRANSPORTS: Record<string, (harness: AppServerHarness) => Promise<Endpoint>> = {
  stdio: async (harness) => ({ transport: new StdioTransport({ env: harness.env, cwd: harness.workspace }) }),
  'WebSocket with a capability token': async (harness) => {
    const server = await startWebSocketServer(homeOf(harness), TOKEN);
    return { server, url: server.url, transport: await WebSocketTransport.connect(server.url, { token: TOKEN }) };
  },
  'unix socket': async (harness) => {
    const server = await startUnixSocketServer(homeOf(harness));
    return { server, transport: await UnixSocketTransport.connect(`unix://${server.socketPath}`) };
  },
};

describe('the protocol end to end over each transport, against the real app-server', function () {
  this.timeout(60_000);

  for (const [name, open] of Object.entries(TRANSPORTS)) {
    describe(name, () => {
      let harness: AppServerHarness;
      let endpoint: Endpoint;
      let connection: RpcConnection;
      beforeEach(async () => {
        harness = await AppServerHarness.create();
        endpoint = await open(harness);
        connection = new RpcConnection(endpoint.transport);
      });
      afterEach(async () => {
        await connection.close();
        await endpoint.server?.stop();
        await harness.dispose();
      });

      it('initializes, starts a thread and a turn, and streams the deltas in order to turn/completed, every notification typed', async () => {
        const untyped: UntypedNotification[] = [];
        const diagnostics: ConnectionDiagnostic[] = [];
        connection.untypedNotifications$.subscribe((n) => untyped.push(n));
        connection.diagnostics$.subscribe((d) => diagnostics.push(d));
        const all: ServerNotification[] = [];
        connection.notifications$.subscribe({ next: (n) => all.push(n), error: () => undefined });

        const initialized = await connection.initialize({ clientInfo: { name: 'codex-rx-spec', version: '0.0.0' }, capabilities: { experimentalApi: true } });
        expect(initialized.userAgent).to.match(/\//);
        expect(initialized.codexHome).to.equal(harness.codexHome);

        harness.mock.enqueue(response(deltas(['One ', 'two ', 'three'], { delayMs: 5 })));
        const { thread } = await connection.request('thread/start', { cwd: harness.workspace });
        const events = lastValueFrom(
          connection.notifications$.pipe(
            takeWhile((n) => n.method !== 'turn/completed', true),
            toArray(),
          ),
        );
        const { turn } = await connection.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text: 'count', text_elements: [] }] });
        const seen = await events;
        const texts = seen.flatMap((n) => (n.method === 'item/agentMessage/delta' && n.params.turnId === turn.id ? [n.params.delta] : []));
        expect(texts).to.deep.equal(['One ', 'two ', 'three']);
        const completed = seen.at(-1)!;
        expect(completed.method).to.equal('turn/completed');
        if (completed.method === 'turn/completed') expect(completed.params.turn.status).to.equal('completed');

        expect(untyped, 'notifications without a codec').to.deep.equal([]);
        expect(diagnostics, 'decode failures').to.deep.equal([]);
        expect(new Set(all.map((n) => n.method))).to.include.members(['thread/started', 'turn/started', 'item/agentMessage/delta', 'item/completed', 'turn/completed']);
      });
    });
  }

  it('refuses a wrong WebSocket token with an AuthenticationError that does not show the token', async () => {
    const harness = await AppServerHarness.create();
    const server = await startWebSocketServer(homeOf(harness), TOKEN);
    try {
      const wrong = 'wrong-token-that-must-not-leak';
      const error = (await Codex.connect({ transport: { url: server.url, token: wrong } }).catch((e: unknown) => e)) as AuthenticationError;
      expect(error).to.be.instanceOf(AuthenticationError);
      expect(error.status).to.equal(401);
      expect(`${error.message}\n${error.stack}`).to.not.contain(wrong);
      const codex = await Codex.connect({ transport: { url: server.url, token: () => TOKEN } });
      expect(codex.metadata.serverVersion).to.match(/^\d+\./);
      await codex.close();
    } finally {
      await server.stop();
      await harness.dispose();
    }
  });

  it('rejects a pending request with TransportClosedError naming the exit when the server is killed', async () => {
    const harness = await AppServerHarness.create();
    const transport = new StdioTransport({ env: harness.env, cwd: harness.workspace });
    const connection = new RpcConnection(transport);
    try {
      await connection.initialize({ clientInfo: { name: 'codex-rx-spec', version: '0.0.0' } });
      // command/exec answers only when the command ends: a request that stays pending.
      const pending = connection.request('command/exec', { command: ['sleep', '30'], cwd: harness.workspace });
      process.kill(transport.pid!, 'SIGKILL');
      const error = (await pending.catch((e: unknown) => e)) as TransportClosedError;
      expect(error).to.be.instanceOf(TransportClosedError);
      expect(error.signal).to.equal('SIGKILL');
      expect(error.message).to.contain('SIGKILL');
      const after = await connection.request('thread/list', {}).catch((e: unknown) => e);
      expect(after).to.equal(error);
    } finally {
      await connection.close();
      await harness.dispose();
    }
  });
});
