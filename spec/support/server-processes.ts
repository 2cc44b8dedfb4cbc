import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCodexBinary } from '../../src/transport/codex-binary.js';

/** A throwaway CODEX_HOME whose config keeps the server off the internet. */
export interface TempCodexHome {
  readonly dir: string;
  /** Environment for a server using this home (merge it over `process.env`). */
  readonly env: Readonly<Record<string, string>>;
  dispose(): Promise<void>;
}

/** A server process listening on a socket, started for a spec. */
export interface ListeningServer {
  readonly child: ChildProcess;
  /** What the server wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then SIGKILL if it lingers; resolves once the process is gone. */
  stop(): Promise<void>;
}

const OFFLINE_CONFIG = ['[analytics]', 'enabled = false', '', '[features]', 'plugins = false', 'remote_plugin = false', ''].join('\n');

/** Creates a temp CODEX_HOME with analytics and plugins off. */
export async function createCodexHome(): Promise<TempCodexHome> {
  const dir = await mkdtemp(join(tmpdir(), 'codex-rx-home-'));
  await writeFile(join(dir, 'config.toml'), OFFLINE_CONFIG);
  return {
    dir,
    env: { CODEX_HOME: dir, CODEX_APP_SERVER_DISABLE_MANAGED_CONFIG: '1', RUST_LOG: 'warn' },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** True while a process with this pid exists (and is not a zombie we could still reap). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Starts `codex app-server --listen ws://127.0.0.1:0` with a capability token. Port 0 lets the
 * kernel pick a free port; the server prints `listening on: ws://127.0.0.1:PORT` on stderr.
 */
export async function startWebSocketServer(
  home: TempCodexHome,
  token: string,
): Promise<ListeningServer & { readonly url: string; readonly port: number }> {
  const tokenFile = join(home.dir, 'ws-token');
  await writeFile(tokenFile, `${token}\n`, { mode: 0o600 });
  const server = startServer(home, ['--listen', 'ws://127.0.0.1:0', '--ws-auth', 'capability-token', '--ws-token-file', tokenFile]);
  const match = await server.waitFor(/listening on: (ws:\/\/127\.0\.0\.1:(\d+))/);
  return { ...server, url: match[1]!, port: Number(match[2]) };
}

/** Starts `codex app-server --listen unix://PATH` and waits until the socket accepts connections. */
export async function startUnixSocketServer(
  home: TempCodexHome,
  socketPath = join(home.dir, 'app-server.sock'),
): Promise<ListeningServer & { readonly socketPath: string }> {
  const server = startServer(home, ['--listen', `unix://${socketPath}`]);
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`app-server exited before listening on ${socketPath}:\n${server.stderr()}`);
    }
    if (await canConnect(socketPath)) break;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`app-server did not listen on ${socketPath} in time:\n${server.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { ...server, socketPath };
}

function canConnect(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path: socketPath });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function startServer(
  home: TempCodexHome,
  listenArgs: string[],
): ListeningServer & { waitFor(pattern: RegExp): Promise<RegExpExecArray> } {
  const child = spawn(resolveCodexBinary(), ['app-server', ...listenArgs], {
    env: { ...process.env, ...home.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => (stderr += text));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  };

  const waitFor = (pattern: RegExp): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const match = pattern.exec(stderr);
        if (match === null) return false;
        done();
        resolve(match);
        return true;
      };
      const onClose = (): void => {
        if (check()) return;
        done();
        reject(new Error(`app-server exited before printing ${pattern}:\n${stderr}`));
      };
      const timer = setTimeout(() => {
        done();
        void stop();
        reject(new Error(`app-server did not print ${pattern} in time:\n${stderr}`));
      }, 15_000);
      const done = (): void => {
        clearTimeout(timer);
        child.stderr!.off('data', check);
        child.off('close', onClose);
      };
      child.stderr!.on('data', check);
      child.once('close', onClose);
      check();
    });

  return { child, stderr: () => stderr, stop, waitFor };
}
