import { Codex } from '../client/codex.js';
import '../client/node-transport.js';
import type { CodexConfig } from '../client/codex-config.js';
import { AppServerHarness, type AppServerHarnessOptions } from './app-server-harness.js';
import type { MockResponsesServer } from './mock-responses-server.js';

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
}

/**
 * Starts a real `codex app-server` (the pinned binary) over stdio, pointed at a scripted mock of
 * the Responses API, and returns a `Codex` bound to it. Nothing reaches the internet.
 *
 * @example
 * await using scripted = await startScriptedCodex();
 * scripted.mock.enqueue(response(deltas(['Hel', 'lo'])));
 * const thread = await scripted.codex.threadStart();
 * const result = await thread.run('hi'); // result.finalResponse === 'Hello'
 */
export async function startScriptedCodex(options: ScriptedCodexOptions = {}): Promise<ScriptedCodex> {
  const harness = await AppServerHarness.create(options.harness);
  const config: CodexConfig = {
    ...options.codex,
    cwd: options.codex?.cwd ?? harness.workspace,
    env: { ...harness.env, ...options.codex?.env },
  };
  const codex = new Codex(config);
  let disposed: Promise<void> | undefined;
  const dispose = () =>
    (disposed ??= (async () => {
      await codex.close();
      await harness.dispose();
    })());
  try {
    if (options.connect ?? true) await codex.ready();
  } catch (error) {
    await dispose();
    throw error;
  }
  return { codex, harness, mock: harness.mock, workspace: harness.workspace, dispose, [Symbol.asyncDispose]: dispose };
}
