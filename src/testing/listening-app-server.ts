import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveCodexBinary } from '../transport/codex-binary.js';
import type { AppServerHarness } from './app-server-harness.js';
import { pickDefined } from '../internal/pick-defined.js';

/**
 * Options of `startListeningAppServer`.
 *
 * @example
 * const options: ListeningAppServerOptions = { codexBin: '/usr/local/bin/codex', startTimeoutMs: 30_000 };
 */
export interface ListeningAppServerOptions {
  /** The executable to run; by default `CODEX_BIN`, else the pinned `@openai/codex` binary. */
  readonly codexBin?: string;
  /** How long to wait for the server to print its address before giving up (default 15 s). */
  readonly startTimeoutMs?: number;
}

const DEFAULTS: Required<Omit<ListeningAppServerOptions, 'codexBin'>> = { startTimeoutMs: 15_000 };

/**
 * A real `codex app-server` listening on a loopback WebSocket that requires a capability token.
 *
 * @example
 * const harness = await AppServerHarness.create();
 * await using server: ListeningAppServer = await startListeningAppServer(harness);
 * const codex = await Codex.connect({ transport: { url: server.url, token: server.token } });
 * // … then
 * await codex.close();
 * await harness.dispose();
 */
export interface ListeningAppServer extends AsyncDisposable {
  /** `ws://127.0.0.1:PORT`, on a port the kernel picked. */
  readonly url: string;
  /** The bearer token the server requires (random, written 0600 into the harness's `CODEX_HOME`). */
  readonly token: string;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM (SIGKILL if it lingers); resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
}

const LISTENING = /listening on: (ws:\/\/127\.0\.0\.1:\d+)/;

/**
 * Starts the app-server of a harness on `ws://127.0.0.1:0` with `--ws-auth capability-token`, so
 * a client connects over WebSocket exactly as it would to a remote server. Port 0 lets the kernel
 * pick a free port; the server prints the one it got.
 *
 * @example
 * const harness = await AppServerHarness.create();
 * const server = await startListeningAppServer(harness);
 * const codex = await Codex.connect({ transport: { url: server.url, token: server.token } });
 * await codex.close();
 * await server.stop();
 * await harness.dispose();
 */
export async function startListeningAppServer(
  harness: AppServerHarness,
  options: ListeningAppServerOptions = {},
): Promise<ListeningAppServer> {
  const token = randomBytes(24).toString('base64url');
  const tokenFile = join(harness.codexHome, 'ws-token');
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  const binary = resolveCodexBinary(pickDefined(options, ['codexBin']));
  const child = spawn(
    binary,
    ['app-server', '--listen', 'ws://127.0.0.1:0', '--ws-auth', 'capability-token', '--ws-token-file', tokenFile],
    { cwd: harness.workspace, env: { ...process.env, ...harness.env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => (stderr += text));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
      await exited;
      clearTimeout(timer);
    })());

  const url = await new Promise<string>((resolve, reject) => {
    const fail = (reason: string): void => {
      done();
      reject(new Error(`app-server ${reason}:\n${stderr}`));
    };
    const check = (): void => {
      const match = LISTENING.exec(stderr);
      if (match === null) return;
      done();
      resolve(match[1]!);
    };
    const onClose = (): void => fail('exited before listening');
    const onError = (error: Error): void => fail(`could not start (${error.message})`);
    const timer = setTimeout(() => fail('did not print its address in time'), options.startTimeoutMs ?? DEFAULTS.startTimeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      child.stderr.off('data', check);
      child.off('close', onClose);
      child.off('error', onError);
    };
    child.stderr.on('data', check);
    child.once('close', onClose);
    child.once('error', onError);
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  return { url, token, stderr: () => stderr, stop, [Symbol.asyncDispose]: stop };
}
