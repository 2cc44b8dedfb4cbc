import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockResponsesServer } from './mock-responses-server.js';
import { mergeTables, toToml } from './toml.js';
import type { TomlTable } from './toml.js';

/**
 * Options of `AppServerHarness.create`.
 *
 * @example
 * const options: AppServerHarnessOptions = {
 *   mock: await MockResponsesServer.start({ whenEmpty: 'error' }),
 *   config: { approval_policy: 'never', sandbox_mode: 'workspace-write' },
 * };
 * const harness = await AppServerHarness.create(options);
 */
export interface AppServerHarnessOptions {
  /** The mock model to point the server at. By default the harness starts one and closes it in `dispose()`. */
  readonly mock?: MockResponsesServer;
  /** The model name the server sends in every request. Default `mock-model`. */
  readonly model?: string;
  /**
   * More `config.toml` settings, merged table by table over the harness's own (which they may
   * override), e.g. `{ approval_policy: 'never', features: { shell_tool: false } }`.
   */
  readonly config?: TomlTable;
  /** Where the temporary directories go. Default: the OS temp dir. */
  readonly tempRoot?: string;
}

/**
 * The model provider id the harness's `config.toml` names for the scripted model: override its
 * `base_url` to point a server at another mock.
 *
 * @example
 * const overrides = { [`model_providers.${SCRIPTED_PROVIDER_ID}.base_url`]: JSON.stringify(mock.url) };
 */
export const SCRIPTED_PROVIDER_ID = 'codex_rx_mock';
const PROVIDER_ID = SCRIPTED_PROVIDER_ID;

const DEFAULT_MODEL = 'mock-model';

/**
 * Everything needed to run a real `codex app-server` offline against a `MockResponsesServer`: a
 * throw-away `CODEX_HOME` whose `config.toml` sends every model call to the mock, a throw-away
 * workspace directory to use as the process's (and threads') cwd, and the environment to
 * spawn with. It does not start the app-server; spawn it with `env` merged over `process.env`
 * and `cwd: workspace`.
 *
 * The config turns off everything of the server's own that reaches the internet (plugin sync,
 * remote plugins, analytics), the shell snapshot each thread start takes of the user's login
 * shell, and every retry, so a failed or missing mock answer fails the turn
 * at once instead of backing off: in particular `features.unbounded_connection_retries = false`,
 * without which a turn whose model is unreachable retries forever ("Reconnecting... waiting for
 * network"). Since `mock-model` is not in the server's model catalog, the server uses fallback
 * model metadata and sends a `warning` notification when a thread starts its first turn.
 *
 * @example
 * import { spawn } from 'node:child_process';
 *
 * const harness = await AppServerHarness.create();
 * harness.mock.enqueue(response(deltas(['Hel', 'lo'])));
 * const child = spawn(resolveCodexBinary(), ['app-server', '--listen', 'stdio://'], {
 *   cwd: harness.workspace,
 *   env: { ...process.env, ...harness.env },
 * });
 * // … talk JSON-RPC to the child, then:
 * child.kill();
 * await harness.dispose();
 */
export class AppServerHarness {
  private disposed: Promise<void> | undefined;

  private constructor(
    /** The mock model the server calls. */
    readonly mock: MockResponsesServer,
    private readonly ownsMock: boolean,
    /** The temporary `CODEX_HOME` (config, sessions, sqlite state). */
    readonly codexHome: string,
    /** A temporary, empty directory for the server and its threads to work in. */
    readonly workspace: string,
    /** The model name the server sends to the mock. */
    readonly model: string,
    /** The text written to `codexHome/config.toml`. */
    readonly configToml: string,
  ) {}

  /** Creates the directories and writes `config.toml`; starts a mock unless one is given. */
  static async create(options: AppServerHarnessOptions = {}): Promise<AppServerHarness> {
    const mock = options.mock ?? (await MockResponsesServer.start());
    const root = options.tempRoot ?? tmpdir();
    let codexHome: string | undefined;
    let workspace: string | undefined;
    try {
      codexHome = await mkdtemp(join(root, 'codex-rx-home-'));
      workspace = await mkdtemp(join(root, 'codex-rx-workspace-'));
      const model = options.model ?? DEFAULT_MODEL;
      const configToml = toToml(mergeTables(harnessConfig(mock.url, model), options.config ?? {}));
      await writeFile(join(codexHome, 'config.toml'), configToml, 'utf8');
      return new AppServerHarness(mock, options.mock === undefined, codexHome, workspace, model, configToml);
    } catch (error) {
      await Promise.all([codexHome, workspace].map((dir) => dir && rm(dir, { recursive: true, force: true })));
      if (options.mock === undefined) await mock.close();
      throw error;
    }
  }

  /** Path of the `config.toml` the harness wrote. */
  get configPath(): string {
    return join(this.codexHome, 'config.toml');
  }

  /**
   * The variables to spawn the app-server with, on top of `process.env`: the temporary
   * `CODEX_HOME`; no managed (system-wide) config, so the machine's admin settings cannot change
   * the test; warnings-only logging on stderr. The mock needs no API key.
   */
  get env(): Readonly<Record<string, string>> {
    return {
      CODEX_HOME: this.codexHome,
      CODEX_APP_SERVER_DISABLE_MANAGED_CONFIG: '1',
      RUST_LOG: 'warn',
    };
  }

  /**
   * Removes both temporary directories and closes the mock if the harness started it. Kill the
   * app-server first: it keeps writing to `CODEX_HOME` while it runs. Idempotent.
   */
  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      // Retries ride out a server that is still exiting and closing its sqlite files.
      const removal = { recursive: true, force: true, maxRetries: 5, retryDelay: 50 } as const;
      await Promise.all([rm(this.codexHome, removal), rm(this.workspace, removal)]);
      if (this.ownsMock) await this.mock.close();
    })();
    return this.disposed;
  }
}

/** The `config.toml` that keeps a real app-server offline and pointed at the mock. */
function harnessConfig(mockUrl: string, model: string): TomlTable {
  return {
    model,
    model_provider: PROVIDER_ID,
    check_for_update_on_startup: false,
    model_providers: {
      [PROVIDER_ID]: {
        name: 'codex-rx mock model',
        base_url: mockUrl,
        wire_api: 'responses',
        // A failed answer must fail the turn now, not after backoff: tests script failures on purpose.
        request_max_retries: 0,
        stream_max_retries: 0,
      },
    },
    features: {
      // Plugin sync calls github.com and chatgpt.com at startup.
      plugins: false,
      remote_plugin: false,
      // Otherwise an unreachable model makes the turn retry forever instead of failing.
      unbounded_connection_retries: false,
      // Each thread start would run the user's login shell (their ~/.bashrc) in its own session;
      // it costs a shell per thread and can outlive the server that started it.
      shell_snapshot: false,
    },
    analytics: { enabled: false },
  };
}
