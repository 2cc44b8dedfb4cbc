import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, type AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { SandboxMode } from '../../protocol/generated/codecs.js';
import { createRelay } from '../../relay/create-relay.js';
import type { Relay } from '../../relay/relay.js';
import { AppServerHarness } from '../../testing/app-server-harness.js';
import { MockResponsesServer } from '../../testing/mock-responses-server.js';
import { StdioTransport } from '../../transport/stdio-transport.js';
import type { Transport } from '../../transport/transport.js';
import { UnixSocketTransport } from '../../transport/unix-socket-transport.js';
import { WebSocketTransport } from '../../transport/websocket-transport.js';
import { webPage } from '../../web/web-page.js';
import { WEB_UI_METHODS } from '../../web/web-ui-methods.js';
import { ExitCode } from '../shared/exit-code.js';
import { interruptSignals } from '../shared/interrupt-signals.js';
import { scriptedReply } from '../shared/scripted-reply.js';
import { UsageError } from '../shared/usage-error.js';

/**
 * Options of `codex-rx relay` and `codex-rx web`.
 *
 * @example
 * await relayCommand({ web: true, port: 8765, host: '127.0.0.1' });
 */
export interface RelayCommandOptions {
  /** Also serve the web UI. */
  readonly web?: boolean;
  readonly host?: string;
  readonly port?: number;
  /** An app-server to use (ws://, wss://, unix://) instead of launching one per browser. */
  readonly upstream?: string;
  /** The bearer token of a ws:// upstream, read from this file. */
  readonly upstreamTokenFile?: string;
  readonly allowOrigins?: readonly string[];
  readonly allowHosts?: readonly string[];
  readonly allowMethods?: readonly string[];
  /** Directories a browser may name (`--root`); default: the current directory. */
  readonly roots?: readonly string[];
  readonly allowConfigKeys?: readonly string[];
  /** `read-only`, `workspace-write` or `danger-full-access`. */
  readonly maxSandbox?: string;
  readonly allowApprovalNever?: boolean;
  readonly allowInstructions?: boolean;
  readonly allowDynamicTools?: boolean;
  /** Params refused by default to let through, as `method.param`. */
  readonly allowParams?: readonly string[];
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** Listen on a non-loopback address without TLS. */
  readonly insecureListen?: boolean;
  /** Launch the app-server against the scripted model (offline). */
  readonly scripted?: boolean;
  /** Where the relay keeps its session key (default: `$XDG_STATE_HOME/codex-rx/relay`, else `~/.local/state/codex-rx/relay`). */
  readonly stateDir?: string;
  /** Replace the session key before listening: every browser signed in before must sign in again. */
  readonly rotateSessionKey?: boolean;
}

const DEFAULTS = { host: '127.0.0.1', port: 8765 } as const;
const SANDBOX_MODES: readonly SandboxMode[] = ['read-only', 'workspace-write', 'danger-full-access'];

/** Runs a relay (and the web UI) until Ctrl-C; prints the one-time login link on stdout. */
export async function relayCommand(options: RelayCommandOptions): Promise<ExitCode> {
  const host = options.host ?? DEFAULTS.host;
  const port = options.port ?? DEFAULTS.port;
  const tls = options.tlsCert !== undefined || options.tlsKey !== undefined;
  if (tls && (options.tlsCert === undefined || options.tlsKey === undefined)) throw new UsageError('--tls-cert and --tls-key go together');
  if (!isLoopback(host) && !tls && options.insecureListen !== true) {
    throw new UsageError(`${host} is not a loopback address: serve it with --tls-cert/--tls-key, or pass --insecure-listen on a trusted network`);
  }
  if (options.maxSandbox !== undefined && !SANDBOX_MODES.includes(options.maxSandbox as SandboxMode)) {
    throw new UsageError(`--max-sandbox must be one of ${SANDBOX_MODES.join(', ')}, got ${options.maxSandbox}`);
  }
  for (const param of options.allowParams ?? []) {
    if (!/^[^.]+\.[^.]+$/.test(param)) throw new UsageError(`--allow-param takes method.param (e.g. turn/start.toolOutput), got ${param}`);
  }
  const harness = options.scripted
    ? await AppServerHarness.create({ mock: await MockResponsesServer.start({ whenEmpty: () => scriptedReply('a message to the web demo') }) })
    : undefined;
  // The launched app-server starts its threads in its own directory: the first root, so that a
  // thread started without a cwd is inside the roots (the relay refuses one that is not).
  const roots = options.roots?.length ? options.roots : harness === undefined ? undefined : [harness.workspace];
  const upstream = await upstreamOf(options, harness, roots?.[0]);
  const server: Server = tls
    ? createHttpsServer({ cert: await readFile(options.tlsCert!), key: await readFile(options.tlsKey!) })
    : createHttpServer();
  const page: ((request: IncomingMessage, response: ServerResponse) => void) | undefined = options.web ? await webPage() : undefined;
  let relay: Relay;
  try {
    relay = createRelay(server, {
      upstream,
      secure: tls,
      ...(options.allowOrigins?.length ? { allowedOrigins: options.allowOrigins } : {}),
      ...(options.allowHosts?.length ? { allowedHosts: options.allowHosts } : {}),
      stateDir: options.stateDir ?? defaultStateDir(),
      ...(options.web || options.allowMethods?.length ? { extraMethods: [...(options.web ? WEB_UI_METHODS : []), ...(options.allowMethods ?? [])] } : {}),
      ...(roots === undefined ? {} : { roots }),
      ...(options.allowConfigKeys?.length ? { allowedConfigKeys: options.allowConfigKeys } : {}),
      ...(options.allowParams?.length ? { allowedParams: options.allowParams } : {}),
      ...(options.maxSandbox === undefined ? {} : { maxSandbox: options.maxSandbox as SandboxMode }),
      allowApprovalNever: options.allowApprovalNever === true,
      allowInstructions: options.allowInstructions === true,
      allowDynamicTools: options.allowDynamicTools === true,
      ...(page === undefined ? {} : { page }),
    });
  } catch (error) {
    await harness?.dispose();
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (options.rotateSessionKey) relay.rotateSessionKey();
  server.listen(port, host);
  await once(server, 'listening');
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const base = `${tls ? 'https' : 'http'}://${shownHost}:${(server.address() as AddressInfo).port}`;
  process.stdout.write(`codex-rx ${options.web ? 'web' : 'relay'} on ${base} (socket ${base.replace(/^http/, 'ws')}/codex)\n`);
  // The only place the token is shown: a link the user opens once.
  process.stdout.write(`open ${relay.loginUrl(base)}\n`);
  await new Promise<void>((resolve) => {
    const subscription = interruptSignals().subscribe(() => {
      subscription.unsubscribe();
      resolve();
    });
  });
  await relay.close();
  server.closeAllConnections();
  server.close();
  await harness?.dispose();
  // Ctrl-C is how a server is meant to stop.
  return ExitCode.ok;
}

async function upstreamOf(options: RelayCommandOptions, harness: AppServerHarness | undefined, cwd: string | undefined): Promise<() => Promise<Transport> | Transport> {
  if (harness !== undefined) return () => new StdioTransport({ env: harness.env, cwd: cwd ?? harness.workspace });
  const url = options.upstream;
  if (url === undefined) return () => new StdioTransport(cwd === undefined ? {} : { cwd });
  if (url.startsWith('unix:')) return () => UnixSocketTransport.connect(url);
  const token = options.upstreamTokenFile === undefined ? undefined : (await readFile(options.upstreamTokenFile, 'utf8')).trim();
  return () => WebSocketTransport.connect(url, token === undefined ? {} : { token });
}

/** The XDG state directory: the session key is state the relay needs again, not configuration nor cache. */
function defaultStateDir(): string {
  const base = process.env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state');
  return join(base, 'codex-rx', 'relay');
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
