import { Codex } from '../client/codex.js';
import '../client/node-transport.js';
import type { CodexConfig } from '../client/codex-config.js';
import { AppServerHarness, type AppServerHarnessOptions } from './app-server-harness.js';
import { startListeningAppServer, type ListeningAppServer } from './listening-app-server.js';
import type { MockResponsesServer } from './mock-responses-server.js';
import { pickDefined } from '../internal/pick-defined.js';

/**
 * A `Codex` bound to a real app-server that talks to a scripted model.
 *
 * @example
 * await using scripted: ScriptedCodex = await startScriptedCodex();
 * scripted.mock.enqueue(response(assistantMessage('Hi!')));
 * const thread = await scripted.codex.threadStart({ cwd: scripted.workspace });
 * await thread.run('hello');
 * scripted.mock.requests[0]?.userTexts(); // includes 'hello'
 */
export interface ScriptedCodex extends AsyncDisposable {
  readonly codex: Codex;
  readonly harness: AppServerHarness;
  /** The scripted model: `enqueue` its answers, read the `requests` it got. */
  readonly mock: MockResponsesServer;
  /** The temporary workspace the server runs in. */
  readonly workspace: string;
  /** With `transport: 'websocket'`: the server the client connected to (its `url` and `token`). */
  readonly server?: ListeningAppServer;
  /** Closes the client (stopping the server), then removes the temporary directories. */
  dispose(): Promise<void>;
}

/**
 * Options of `startScriptedCodex`.
 *
 * @example
 * const scripted = await startScriptedCodex({
 *   harness: { config: { approval_policy: 'never' } },
 *   codex: { requestTimeoutMs: 5_000 },
 * });
 */
export interface ScriptedCodexOptions {
  readonly harness?: AppServerHarnessOptions;
  /** Client options; `env` and `cwd` are added to the harness's own. */
  readonly codex?: CodexConfig;
  /** Initialize before returning (default true); false gives a lazy client. */
  readonly connect?: boolean;
  /**
   * How the client reaches the server: `'stdio'` (default) launches it as a child process;
   * `'websocket'` starts it on a loopback port with a capability token and connects as a remote
   * client does (`server` is then set; `codexBin` picks the server's executable).
   */
  readonly transport?: 'stdio' | 'websocket';
}

/**
 * Starts a real `codex app-server` (the pinned binary), pointed at a scripted mock of the
 * Responses API, and returns a `Codex` bound to it, over stdio or (`transport: 'websocket'`) over
 * a loopback WebSocket with a capability token. Nothing reaches the internet.
 *
 * Every model request takes one queued script: a turn takes one, plus one per tool call it makes
 * and one per `steer()` that arrives while it runs. A request that finds none fails its turn with
 * a message naming the request (see `MockResponsesServerOptions.whenEmpty`).
 *
 * @example
 * await using scripted = await startScriptedCodex();
 * scripted.mock.enqueue(response(deltas(['Hel', 'lo'])));
 * const thread = await scripted.codex.threadStart();
 * const result = await thread.run('hi'); // result.finalResponse === 'Hello'
 *
 * await using remote = await startScriptedCodex({ transport: 'websocket' });
 * remote.server?.url; // ws://127.0.0.1:PORT, requiring remote.server.token
 */
export async function startScriptedCodex(options: ScriptedCodexOptions = {}): Promise<ScriptedCodex> {
  const harness = await AppServerHarness.create(options.harness);
  let server: ListeningAppServer | undefined;
  let codex: Codex | undefined;
  let disposed: Promise<void> | undefined;
  const dispose = () =>
    (disposed ??= (async () => {
      await codex?.close();
      await server?.stop();
      await harness.dispose();
    })());
  try {
    if (options.transport === 'websocket') {
      server = await startListeningAppServer(harness, pickDefined(options.codex ?? {}, ['codexBin']));
      codex = new Codex({ ...options.codex, transport: { url: server.url, token: server.token } });
    } else {
      codex = new Codex({
        ...options.codex,
        cwd: options.codex?.cwd ?? harness.workspace,
        env: { ...harness.env, ...options.codex?.env },
      });
    }
    if (options.connect ?? true) await codex.ready();
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    codex,
    harness,
    mock: harness.mock,
    workspace: harness.workspace,
    ...(server === undefined ? {} : { server }),
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}
