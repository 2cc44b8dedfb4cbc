import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Observable } from 'rxjs';
import { TransportClosedError } from '../errors/transport-closed-error.js';
import { resolveCodexBinary } from './codex-binary.js';
import type { JsonRpcMessage } from '../jsonrpc/json-rpc-message.js';
import { JsonlDecoder } from './jsonl-decoder.js';
import { StderrTail } from './stderr-tail.js';
import type { Transport } from './transport.js';
import type { TransportDiagnostic } from './transport-diagnostic.js';
import { TransportEnding } from './transport-ending.js';

/**
 * How to launch `codex app-server` for a {@link StdioTransport}.
 *
 * @example
 * const transport = new StdioTransport({
 *   codexBin: '/usr/local/bin/codex',
 *   configOverrides: { model: '"gpt-5.4"' },
 *   cwd: '/srv/project',
 * });
 */
export interface StdioTransportOptions {
  /**
   * The executable; see `resolveCodexBinary` for the fallbacks (`CODEX_BIN`, read from the child's
   * environment, then the pinned package).
   */
  readonly codexBin?: string;
  /**
   * Config overrides, each passed as `-c key=value` (the value is parsed as TOML by the server).
   * A record maps keys to values; an array holds ready-made `key=value` strings.
   */
  readonly configOverrides?: Readonly<Record<string, string>> | readonly string[];
  /**
   * The complete argument list after the executable, replacing `app-server --listen stdio://`
   * and the overrides. The launched server must still speak JSONL on stdio.
   */
  readonly args?: readonly string[];
  /** Variables added to `process.env` for the child; an `undefined` value removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Working directory of the child. */
  readonly cwd?: string;
  /** How many stderr lines to keep for error messages. */
  readonly stderrTailLines?: number;
  /** How long `close()` waits at each step (stdin closed, then SIGTERM) before escalating. */
  readonly closeGraceMs?: number;
}

const DEFAULTS = {
  stderrTailLines: 50,
  closeGraceMs: 2_000,
  // After the child has exited, how long its pipes may stay open (held by a grandchild that
  // inherited them) before they are torn down so the transport can finish.
  pipeDrainMs: 1_000,
} as const;

const liveChildren = new Set<ChildProcessWithoutNullStreams>();
let exitHookInstalled = false;

// A program that forgets close() must not leave servers behind when it exits. SIGTERM is enough:
// the server exits promptly on it, and it also sees EOF on stdin once this process is gone.
function track(child: ChildProcessWithoutNullStreams): void {
  liveChildren.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const running of liveChildren) {
      try {
        running.kill('SIGTERM');
      } catch {
        // Nothing more can be done while the process exits.
      }
    }
  });
}

/**
 * A {@link Transport} that launches `codex app-server --listen stdio://` and speaks JSON Lines
 * over its stdin/stdout.
 *
 * The child is started by the constructor. If it exits on its own (or cannot start at all),
 * `frames$` errors with a `TransportClosedError` carrying the exit code or signal and the last
 * stderr lines; after `close()` it completes instead.
 *
 * @example
 * ```ts
 * const transport = new StdioTransport({ configOverrides: { model: '"gpt-5.4"' } });
 * transport.frames$.subscribe((message) => console.log(message));
 * transport.send({ id: 1, method: 'initialize', params: { clientInfo: { name: 'me', version: '1' } } });
 * // …
 * await transport.close();
 * ```
 */
export class StdioTransport implements Transport {
  readonly frames$: Observable<JsonRpcMessage>;
  readonly diagnostics$: Observable<TransportDiagnostic>;
  /** The executable and arguments that were launched. */
  readonly command: readonly string[];
  /** The child's process id (undefined when it could not be started). */
  readonly pid: number | undefined;

  private readonly child: ChildProcessWithoutNullStreams;
  private readonly ending = new TransportEnding();
  private readonly stderr: StderrTail;
  private readonly closeGraceMs: number;

  private spawnError: Error | undefined;
  private exitCode: number | null = null;
  private exitSignal: NodeJS.Signals | null = null;

  constructor(options: StdioTransportOptions = {}) {
    if (options.args !== undefined && options.configOverrides !== undefined) {
      throw new TypeError('StdioTransport: `args` replaces the whole command line; put any -c overrides in it instead of `configOverrides`.');
    }
    this.stderr = new StderrTail(Math.max(0, options.stderrTailLines ?? DEFAULTS.stderrTailLines));
    this.closeGraceMs = Math.max(0, options.closeGraceMs ?? DEFAULTS.closeGraceMs);
    this.frames$ = this.ending.frames$;
    this.diagnostics$ = this.ending.diagnostics$;

    const env = childEnv(options.env);
    const bin = resolveCodexBinary({ codexBin: options.codexBin, env });
    const args = options.args ? [...options.args] : ['app-server', '--listen', 'stdio://', ...overrideArgs(options.configOverrides)];
    this.command = [bin, ...args];

    this.child = spawn(bin, args, {
      cwd: options.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      // Its own process group: a terminal's Ctrl-C goes to the whole foreground group, and the
      // server dies on SIGINT; the client must stay able to interrupt the turn and close cleanly.
      // It still ends with us: on EOF of its stdin, and through the exit hook above.
      detached: process.platform !== 'win32',
    });
    this.pid = this.child.pid;
    if (this.child.pid !== undefined) track(this.child);
    this.readOutput();
    this.watchExit();
  }

  /** The last lines the server wrote to stderr, oldest first, with terminal colour codes removed. */
  stderrTail(): readonly string[] {
    return this.stderr.lines();
  }

  send(message: JsonRpcMessage): void {
    if (this.ending.closeRequested || this.ending.ended) {
      throw new TransportClosedError('codex app-server stdio transport is closed', this.closedDetails());
    }
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  close(): Promise<void> {
    return this.ending.close(async () => {
      // The server exits by itself once stdin reaches EOF; signals are only for one that does not.
      this.child.stdin.end();
      if (await this.ending.endsWithin(this.closeGraceMs)) return;
      this.child.kill('SIGTERM');
      if (await this.ending.endsWithin(this.closeGraceMs)) return;
      this.child.kill('SIGKILL');
      await this.ending.whenEnded;
    });
  }

  private readOutput(): void {
    const { child, ending } = this;
    const decoder = new JsonlDecoder({
      message: (message) => ending.frames.next(message),
      diagnostic: (diagnostic) => ending.diagnostics.next(diagnostic),
    });
    // Flowing mode, never paused: a server that blocks on a full stdout pipe stops answering.
    child.stdout.on('data', (chunk: Buffer) => decoder.write(chunk));
    child.stdout.on('end', () => decoder.end());
    child.stderr.on('data', (chunk: Buffer) => this.stderr.write(chunk));
    // A write racing the child's exit fails with EPIPE; the exit itself is what gets reported.
    child.stdin.on('error', () => undefined);
    child.stdout.on('error', () => undefined);
    child.stderr.on('error', () => undefined);
  }

  private watchExit(): void {
    const child = this.child;
    child.on('error', (error) => {
      // Also emitted when a kill() fails; only a failure to start ends the transport here.
      if (child.pid === undefined && this.spawnError === undefined) this.spawnError = error;
    });
    child.on('exit', (code, signal) => {
      this.exitCode = code;
      this.exitSignal = signal;
      liveChildren.delete(child);
      const timer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, DEFAULTS.pipeDrainMs);
      timer.unref();
      child.once('close', () => clearTimeout(timer));
    });
    // 'close' comes after stdout has been read to the end, so every frame is delivered before
    // the stream ends.
    child.on('close', (code, signal) => {
      if (this.exitCode === null && this.exitSignal === null) {
        this.exitCode = code;
        this.exitSignal = signal;
      }
      liveChildren.delete(child);
      this.stderr.end();
      this.ending.finish(() => this.unexpectedEndError());
    });
  }

  private unexpectedEndError(): TransportClosedError {
    if (this.spawnError !== undefined) {
      return new TransportClosedError(`could not start codex app-server (${this.command[0]}): ${this.spawnError.message}`, {
        stderrTail: this.stderrTail(),
        cause: this.spawnError,
      });
    }
    return new TransportClosedError(`codex app-server (pid ${this.pid}) exited`, this.closedDetails());
  }

  private closedDetails() {
    return { exitCode: this.exitCode, signal: this.exitSignal, stderrTail: this.stderrTail() };
  }
}

function childEnv(overrides: StdioTransportOptions['env'] = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function overrideArgs(overrides: StdioTransportOptions['configOverrides']): string[] {
  if (overrides === undefined) return [];
  const pairs = isStringArray(overrides) ? overrides : Object.entries(overrides).map(([key, value]) => `${key}=${value}`);
  return pairs.flatMap((pair) => ['-c', pair]);
}

// Array.isArray does not narrow a `readonly string[] | Record` union, hence the guard.
function isStringArray(value: unknown): value is readonly string[] {
  return Array.isArray(value);
}
