import { Codex } from '../../src/client/codex.js';
import '../../src/client/node-transport.js';
import type { CodexConfig } from '../../src/client/codex-config.js';
import type { CodexDiagnostic } from '../../src/client/codex-diagnostic.js';
import type { ConnectionStatus } from '../../src/transport/connection-status.js';
import type { ReconnectConfig } from '../../src/transport/reconnect-config.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { startListeningAppServer, type ListeningAppServer } from '../../src/testing/listening-app-server.js';
import type { MockResponsesServer } from '../../src/testing/mock-responses-server.js';
import { TcpChaosProxy } from '../support/tcp-chaos-proxy.js';

/** A real app-server on a loopback WebSocket, a chaos proxy in front of it, and a reconnecting client through the proxy. */
export interface ReconnectFixture {
  readonly codex: Codex;
  readonly harness: AppServerHarness;
  readonly mock: MockResponsesServer;
  readonly proxy: TcpChaosProxy;
  /** Every connection state the client went through, in order. */
  readonly states: ConnectionStatus[];
  readonly diagnostics: CodexDiagnostic[];
  /** The server now behind the proxy. */
  server(): ListeningAppServer;
  /** Stops the server and starts another one on the same Codex home, behind the same proxy. */
  restartServer(): Promise<void>;
  dispose(): Promise<void>;
}

/** A short policy, so that specs of many drops take seconds. */
export const FAST_RECONNECT: ReconnectConfig = { maxAttempts: 30, initialDelayMs: 20, maxDelayMs: 400, jitter: 0.2 };

export async function startReconnectFixture(
  options: {
    readonly reconnect?: ReconnectConfig;
    readonly codex?: CodexConfig;
    /** The token the client sends, given the server's own; default that one. */
    readonly token?: (serverToken: string) => string;
  } = {},
): Promise<ReconnectFixture> {
  const harness = await AppServerHarness.create();
  let server = await startListeningAppServer(harness);
  const proxy = await TcpChaosProxy.start(portOf(server.url));
  const states: ConnectionStatus[] = [];
  const diagnostics: CodexDiagnostic[] = [];
  let codex: Codex | undefined;
  const dispose = async (): Promise<void> => {
    await codex?.close();
    await proxy.close();
    await server.stop();
    await harness.dispose();
  };
  try {
    codex = new Codex({
      ...options.codex,
      // A function: a restarted server has a new token.
      transport: { url: proxy.url, token: () => options.token?.(server.token) ?? server.token },
      reconnect: options.reconnect ?? FAST_RECONNECT,
    });
    codex.connectionState$.subscribe((state) => states.push(state));
    await codex.ready();
    codex.diagnostics$.subscribe({ next: (diagnostic) => diagnostics.push(diagnostic), error: () => undefined });
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    codex,
    harness,
    mock: harness.mock,
    proxy,
    states,
    diagnostics,
    server: () => server,
    restartServer: async () => {
      await server.stop();
      server = await startListeningAppServer(harness);
      proxy.retarget(portOf(server.url));
    },
    dispose,
  };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Resolves once `check` holds, polling; fails after `timeoutMs` naming `what`. */
export async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A bound that only detects a hang, and then says where the client was. */
export async function withinOrExplain<T>(promise: Promise<T>, fixture: ReconnectFixture, ms = 20_000, more: () => Promise<string> = async () => ''): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const states = JSON.stringify(fixture.states);
      const diagnostics = fixture.diagnostics.map((d) => `${d.kind}: ${'message' in d ? d.message : d.error.message}`).join('\n  ');
      void more().then((extra) => reject(new Error(`no end within ${ms} ms; states ${states}; ${extra}; diagnostics:\n  ${diagnostics}`)));
    }, ms);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

