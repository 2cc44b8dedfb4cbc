import type { Codex } from '../../src/client/codex.js';
import type { AppServerHarness } from '../../src/testing/app-server-harness.js';
import type { MockResponsesServer } from '../../src/testing/mock-responses-server.js';
import { startScriptedCodex, type ScriptedCodex, type ScriptedCodexOptions } from '../../src/testing/scripted-codex.js';

/** The scripted Codex of the running test: a view that always points at the current one. */
export interface ScriptedCodexPerTest {
  readonly codex: Codex;
  readonly harness: AppServerHarness;
  readonly mock: MockResponsesServer;
  readonly workspace: string;
  /** Replaces this test's server with one started with other options. */
  restart(options?: ScriptedCodexOptions): Promise<void>;
}

/**
 * The shared hook of the real-server specs: registers, in the enclosing `describe`, a
 * `beforeEach` that starts a real app-server with a scripted model and an `afterEach` that
 * disposes it, whether the test passed, failed or timed out, so no server outlives its test.
 * `options` may be a function, for options that change per test (e.g. a fresh temp dir).
 */
export function scriptedCodexPerTest(options: ScriptedCodexOptions | (() => ScriptedCodexOptions) = {}): ScriptedCodexPerTest {
  let current: ScriptedCodex | undefined;
  const started = (): ScriptedCodex => {
    if (current === undefined) throw new Error('the scripted Codex exists only while a test runs');
    return current;
  };
  const stop = async (): Promise<void> => {
    const running = current;
    current = undefined;
    await running?.dispose();
  };

  beforeEach(async () => {
    current = await startScriptedCodex(typeof options === 'function' ? options() : options);
  });
  afterEach(stop);

  return {
    get codex() {
      return started().codex;
    },
    get harness() {
      return started().harness;
    },
    get mock() {
      return started().mock;
    },
    get workspace() {
      return started().workspace;
    },
    async restart(restartOptions = {}) {
      await stop();
      current = await startScriptedCodex(restartOptions);
    },
  };
}
