import { Codex } from '../../src/client/codex.js';
import { RpcConnection } from '../../src/connection/rpc-connection.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import type { Transport } from '../../src/transport/transport.js';
import { UnixSocketTransport } from '../../src/transport/unix-socket-transport.js';
import { WebSocketTransport } from '../../src/transport/websocket-transport.js';
import { startUnixSocketServer, startWebSocketServer, type ListeningServer } from '../support/server-processes.js';

const TOKEN = 'capability-token-for-fact-specs-0123456789';

export type EndpointKind = 'ws' | 'unix';

/** A listening app-server on the harness's CODEX_HOME, and ways to open connections to it. */
export interface Endpoint {
  readonly server: ListeningServer;
  /** A new initialized protocol connection, closed by `stop()` if the spec did not. */
  connect(): Promise<RpcConnection>;
  /** A new `Codex` on this server, closed by `stop()`. */
  codex(): Promise<Codex>;
  /** Closes what was opened, then stops the server. */
  stop(): Promise<void>;
}

/** Starts `codex app-server --listen ws://…` (with a capability token) or `--listen unix://…`. */
export async function startEndpoint(kind: EndpointKind, harness: AppServerHarness, socketName = 'app-server.sock'): Promise<Endpoint> {
  const home = { dir: harness.codexHome, env: harness.env, dispose: async () => undefined };
  const ws = kind === 'ws' ? await startWebSocketServer(home, TOKEN) : undefined;
  const unix = kind === 'unix' ? await startUnixSocketServer(home, `${harness.codexHome}/${socketName}`) : undefined;
  const server = (ws ?? unix)!;
  const transport = (): Promise<Transport> =>
    ws !== undefined ? WebSocketTransport.connect(ws.url, { token: TOKEN }) : UnixSocketTransport.connect(`unix://${unix!.socketPath}`);
  const opened: { close(): Promise<unknown> }[] = [];
  return {
    server,
    async connect() {
      const connection = new RpcConnection(await transport());
      opened.push(connection);
      await connection.initialize({ clientInfo: { name: 'codex-rx-fact-spec', version: '0.0.0' }, capabilities: { experimentalApi: true } });
      return connection;
    },
    async codex() {
      const codex = await Codex.connect({ transport: () => transport() });
      opened.push(codex);
      return codex;
    },
    async stop() {
      await Promise.all(opened.map((o) => o.close().catch(() => undefined)));
      await server.stop();
    },
  };
}

/** Every notification the connection receives from now on. */
export function recordNotifications(connection: RpcConnection): ServerNotification[] {
  const seen: ServerNotification[] = [];
  connection.notifications$.subscribe({ next: (n) => seen.push(n), error: () => undefined });
  return seen;
}

/** Resolves once `check` holds; rejects after `timeoutMs` (a bound that only detects a hang). */
export async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The `input` of `turn/start` for one text. */
export function text(value: string): [{ type: 'text'; text: string; text_elements: [] }] {
  return [{ type: 'text', text: value, text_elements: [] }];
}

/** Servers on a fresh harness (scripted model, temp CODEX_HOME) for each test, all stopped after it. */
export interface ServersPerTest {
  /** The current test's harness. */
  readonly harness: AppServerHarness;
  /** Starts one more server on the harness's CODEX_HOME (another process, same home). */
  start(kind?: EndpointKind): Promise<Endpoint>;
}

/** Registers the mocha hooks that give every test of the enclosing `describe` its own harness and servers. */
export function serversPerTest(): ServersPerTest {
  let harness: AppServerHarness | undefined;
  let endpoints: Endpoint[] = [];
  beforeEach(async () => {
    harness = await AppServerHarness.create();
    endpoints = [];
  });
  afterEach(async () => {
    for (const endpoint of endpoints) await endpoint.stop();
    await harness?.dispose();
  });
  return {
    get harness() {
      return harness!;
    },
    async start(kind = 'ws') {
      const endpoint = await startEndpoint(kind, harness!, `app-server-${endpoints.length}.sock`);
      endpoints.push(endpoint);
      return endpoint;
    },
  };
}
