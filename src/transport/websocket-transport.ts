import type { ClientRequest, IncomingMessage } from 'node:http';
import { connect as netConnect, isIP } from 'node:net';
import type { Observable } from 'rxjs';
import type { ClientOptions, RawData, WebSocket } from 'ws';
import { AuthenticationError } from '../errors/authentication-error.js';
import { TransportClosedError } from '../errors/transport-closed-error.js';
import type { JsonRpcMessage } from '../jsonrpc/json-rpc-message.js';
import { JsonlDecoder } from './jsonl-decoder.js';
import type { Transport } from './transport.js';
import type { TransportDiagnostic } from './transport-diagnostic.js';
import { TransportEnding } from './transport-ending.js';

/**
 * A bearer token, or a function that produces one (called once per connection attempt, so a
 * rotated token is picked up by the next connect).
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 *
 * const token: WebSocketToken = () => readFile('/run/codex/token', 'utf8');
 * ```
 */
export type WebSocketToken = string | (() => string | Promise<string>);

/**
 * Creates the underlying socket; replace it to observe or fake the socket in tests.
 *
 * @example
 * ```ts
 * import { WebSocket } from 'ws';
 *
 * const webSocketFactory: WebSocketFactory = (url, options) => new WebSocket(url, { ...options, handshakeTimeout: 1_000 });
 * ```
 */
export type WebSocketFactory = (url: string, options: ClientOptions) => WebSocket;

/**
 * How {@link WebSocketTransport.connect} opens the socket.
 *
 * @example
 * import { readFile } from 'node:fs/promises';
 *
 * const transport = await WebSocketTransport.connect('ws://127.0.0.1:4500', {
 *   token: () => readFile('/run/codex/token', 'utf8').then((text) => text.trim()),
 *   handshakeTimeoutMs: 5_000,
 * });
 */
export interface WebSocketTransportOptions {
  /** Sent as `Authorization: Bearer <token>` (the server's `--ws-auth capability-token` mode). */
  readonly token?: WebSocketToken;
  /** Extra upgrade-request headers. `Origin` is refused: the app-server answers 403 to it. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Allow a token over plain `ws://` to a host that is not loopback. Off by default because
   * anyone on the path can read the token; prefer `wss://` or an SSH tunnel.
   */
  readonly allowInsecureToken?: boolean;
  /** Builds the `ws` socket; defaults to `new WebSocket(url, options)`. */
  readonly webSocketFactory?: WebSocketFactory;
  /** How long the opening handshake may take. */
  readonly handshakeTimeoutMs?: number;
  /** How long `close()` waits for the closing handshake before dropping the connection. */
  readonly closeTimeoutMs?: number;
}

/**
 * Where a socket is opened to, for transports built on this one (see `UnixSocketTransport`).
 *
 * @example
 * // What UnixSocketTransport opens: WebSocket framing over a unix socket.
 * const target: WebSocketTarget = { url: 'ws://localhost/', label: 'unix:///tmp/codex.sock', socketPath: '/tmp/codex.sock' };
 */
export interface WebSocketTarget {
  /** The URL handed to `ws`. */
  readonly url: string;
  /** The endpoint as shown in messages, without credentials or query. */
  readonly label: string;
  /** Connect through this unix socket instead of TCP. */
  readonly socketPath?: string;
}

const DEFAULTS = {
  handshakeTimeoutMs: 10_000,
  closeTimeoutMs: 2_000,
} as const;

// The standard readyState values, so that reading a socket's state does not need `ws` loaded.
const OPEN = 1;
const CLOSED = 3;

/**
 * A {@link Transport} over a WebSocket to `codex app-server --listen ws://…`: one JSON-RPC
 * message per text frame.
 *
 * The socket is read as fast as frames arrive — the server disconnects clients whose outbound
 * queue fills up, so nothing here ever pauses it. When the socket closes without `close()`
 * having been called, `frames$` errors with a `TransportClosedError` holding the close code.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 *
 * const transport = await WebSocketTransport.connect('ws://127.0.0.1:4500', {
 *   token: () => readFile('/run/codex/token', 'utf8').then((t) => t.trim()),
 * });
 * transport.frames$.subscribe((message) => console.log(message));
 * transport.send({ id: 1, method: 'initialize', params: { clientInfo: { name: 'me', version: '1' } } });
 * await transport.close();
 * ```
 */
export class WebSocketTransport implements Transport {
  readonly frames$: Observable<JsonRpcMessage>;
  readonly diagnostics$: Observable<TransportDiagnostic>;

  private readonly ending = new TransportEnding();
  private socketError: Error | undefined;
  private readonly closeTimeoutMs: number;

  /**
   * Opens a WebSocket to `url` (`ws://`, `wss://`) and resolves once it is open.
   *
   * Rejects with `AuthenticationError` when the upgrade is answered 401 or 403, and with
   * `TransportClosedError` when the server cannot be reached or refuses the upgrade otherwise.
   */
  static async connect(url: string, options: WebSocketTransportOptions = {}): Promise<WebSocketTransport> {
    const parsed = parseWebSocketUrl(url);
    const label = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
    const sendsCredentials = options.token !== undefined || hasHeader(options.headers ?? {}, 'authorization');
    if (sendsCredentials && !options.allowInsecureToken) refuseInsecureToken(parsed, label);
    const socket = await WebSocketTransport.openSocket({ url: parsed.href, label }, options);
    return new WebSocketTransport(socket, label, options.closeTimeoutMs);
  }

  /**
   * Performs the opening handshake, shared by every endpoint that speaks WebSocket framing.
   * Resolves with the open socket; listeners for the transport must be attached synchronously.
   */
  protected static async openSocket(
    target: WebSocketTarget,
    options: Omit<WebSocketTransportOptions, 'allowInsecureToken'>,
  ): Promise<WebSocket> {
    const headers = upgradeHeaders(options.headers);
    const bearer = options.token === undefined ? undefined : await resolveToken(options.token, target.label);
    if (bearer !== undefined) {
      for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
      headers['Authorization'] = `Bearer ${bearer}`;
    }
    const socketPath = target.socketPath;
    const clientOptions: ClientOptions = {
      headers,
      handshakeTimeout: options.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs,
      // Frames are small JSON and the peer is usually local: compression costs more than it saves.
      perMessageDeflate: false,
      followRedirects: false,
      ...(socketPath === undefined
        ? {}
        : // A socket path can hold characters (':', spaces) that a ws+unix URL cannot carry.
          { createConnection: () => netConnect({ path: socketPath }) }),
    };
    const factory = options.webSocketFactory ?? (await defaultWebSocketFactory());
    return whenOpen(factory(target.url, clientOptions), target.label, bearer !== undefined);
  }

  protected constructor(
    private readonly socket: WebSocket,
    /** The endpoint, as shown in error messages. */
    readonly endpoint: string,
    closeTimeoutMs: number | undefined,
  ) {
    this.closeTimeoutMs = Math.max(0, closeTimeoutMs ?? DEFAULTS.closeTimeoutMs);
    this.frames$ = this.ending.frames$;
    this.diagnostics$ = this.ending.diagnostics$;

    const decoder = new JsonlDecoder({
      message: (message) => this.ending.frames.next(message),
      diagnostic: (diagnostic) => this.ending.diagnostics.next(diagnostic),
    });
    socket.on('message', (data: RawData) => decoder.decodeLine(rawDataToString(data)));
    // ws always follows 'error' with 'close'; the error is kept as the cause.
    socket.on('error', (error: Error) => {
      this.socketError ??= error;
    });
    socket.on('close', (code: number, reason: Buffer) => this.finish(code, reason.toString('utf8')));
    if (socket.readyState === CLOSED) this.finish(1006, '');
  }

  send(message: JsonRpcMessage): void {
    if (this.ending.closeRequested || this.ending.ended || this.socket.readyState !== OPEN) {
      throw new TransportClosedError(`WebSocket to ${this.endpoint} is closed`);
    }
    this.socket.send(JSON.stringify(message));
  }

  close(): Promise<void> {
    return this.ending.close(async () => {
      if (this.socket.readyState === OPEN) this.socket.close(1000, 'client closed');
      if (await this.ending.endsWithin(this.closeTimeoutMs)) return;
      this.socket.terminate();
      await this.ending.whenEnded;
    });
  }

  private finish(code: number, reason: string): void {
    this.ending.finish(
      () => new TransportClosedError(`WebSocket to ${this.endpoint} closed`, { closeCode: code, closeReason: reason, cause: this.socketError }),
    );
  }
}

/**
 * `new WebSocket(url, options)` from `ws`, which is loaded on the first connect: a program that
 * only talks to the server over stdio never pays for loading it.
 */
async function defaultWebSocketFactory(): Promise<WebSocketFactory> {
  const { WebSocket } = await import('ws');
  return (url, options) => new WebSocket(url, options);
}

/**
 * Resolves with `socket` once its opening handshake succeeds; rejects with `AuthenticationError`
 * on 401/403 and `TransportClosedError` otherwise, and then terminates the socket.
 */
function whenOpen(socket: WebSocket, label: string, sentBearer: boolean): Promise<WebSocket> {
  return new Promise<WebSocket>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      cleanup();
      // Keep a listener so late socket errors after the rejection are not unhandled.
      socket.on('error', () => undefined);
      if (socket.readyState !== CLOSED) socket.terminate();
      reject(error);
    };
    const onOpen = (): void => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(socket);
    };
    const onError = (error: Error): void => {
      fail(new TransportClosedError(`could not connect to ${label}: ${error.message}`, { cause: error }));
    };
    const onClose = (code: number, reason: Buffer): void => {
      fail(new TransportClosedError(`could not connect to ${label}`, { closeCode: code, closeReason: reason.toString('utf8') }));
    };
    const onUnexpectedResponse = (request: ClientRequest, response: IncomingMessage): void => {
      response.resume();
      request.destroy();
      fail(upgradeRefusal(label, response, sentBearer));
    };
    const cleanup = (): void => {
      socket.off('open', onOpen);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off('unexpected-response', onUnexpectedResponse);
    };
    socket.on('open', onOpen);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.on('unexpected-response', onUnexpectedResponse);
  });
}

/** The error for an upgrade answered with an HTTP status instead of 101. */
function upgradeRefusal(label: string, response: IncomingMessage, sentBearer: boolean): Error {
  const status = response.statusCode ?? 0;
  const statusText = `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`;
  if (status !== 401 && status !== 403) return new TransportClosedError(`WebSocket upgrade to ${label} was refused with ${statusText}`);
  const hint =
    status === 401
      ? sentBearer
        ? 'the bearer token was not accepted'
        : 'the server requires a bearer token; pass `token`'
      : 'the server forbids this client (it answers 403 to any request carrying an Origin header)';
  return new AuthenticationError(`WebSocket upgrade to ${label} was refused with ${statusText}: ${hint}`, status);
}

function parseWebSocketUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`not a WebSocket URL: ${JSON.stringify(url)}`);
  }
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new TypeError(`a WebSocket URL starts with ws:// or wss://, got ${parsed.protocol}// (use UnixSocketTransport for unix://)`);
  }
  return parsed;
}

function refuseInsecureToken(url: URL, label: string): void {
  if (url.protocol !== 'ws:' || isLoopback(url.hostname)) return;
  throw new Error(
    `Refusing to send a bearer token over unencrypted ${label}: ${url.hostname} is not a loopback address, ` +
      'so anyone on the network path could read the token. Use wss://, tunnel to 127.0.0.1 (ssh -L), ' +
      'or pass allowInsecureToken: true if the network is trusted.',
  );
}

function isLoopback(hostname: string): boolean {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

function upgradeHeaders(extra: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const headers: Record<string, string> = { ...extra };
  if (hasHeader(headers, 'origin')) {
    throw new TypeError('an Origin header is not allowed: the app-server answers 403 to any request that carries one');
  }
  return headers;
}

function hasHeader(headers: Readonly<Record<string, string>>, lowerCaseName: string): boolean {
  return Object.keys(headers).some((name) => name.toLowerCase() === lowerCaseName);
}

async function resolveToken(token: WebSocketToken, label: string): Promise<string> {
  const value = typeof token === 'function' ? await token() : token;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`the token for ${label} is empty`);
  }
  // A token read from a file usually ends with a newline the server does not expect.
  return value.trim();
}

function rawDataToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
