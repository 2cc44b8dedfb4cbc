import { Subject, type Observable } from 'rxjs';
import { TransportClosedError } from '../errors/transport-closed-error.js';
import type { JsonRpcMessage } from '../jsonrpc/json-rpc-message.js';
import { decodeFrame } from './decode-frame.js';
import { HeldFrameStream } from './held-frame-stream.js';
import type { Transport } from './transport.js';
import type { TransportDiagnostic } from './transport-diagnostic.js';

/**
 * The part of the standard `WebSocket` API the transport uses: what browsers, Node 22+ and the
 * `ws` package all provide.
 *
 * @example
 * const socket: StandardWebSocket = new WebSocket('ws://127.0.0.1:8765/codex');
 */
export interface StandardWebSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(type: 'close', listener: (event: { readonly code: number; readonly reason: string }) => void): void;
}

/**
 * How {@link BrowserWebSocketTransport.connect} opens its socket.
 *
 * @example
 * // On Node 20, which has no global WebSocket, the `ws` package implements the same API.
 * const options: BrowserWebSocketTransportOptions = { webSocket: (url) => new WebSocket(url) };
 */
export interface BrowserWebSocketTransportOptions {
  /** Creates the socket; defaults to the global `WebSocket` constructor. */
  readonly webSocket?: (url: string) => StandardWebSocket;
}

// WebSocket.OPEN and WebSocket.CLOSED, fixed by the standard.
const OPEN = 1;
const CLOSED = 3;
const CLOSE_TIMEOUT_MS = 2_000;

/**
 * A {@link Transport} over the standard `WebSocket` API, for browsers (through the codex-rx
 * relay, since the app-server refuses any request that carries an `Origin`) and for runtimes with
 * a global `WebSocket`. One JSON-RPC message per text frame.
 *
 * A browser cannot set an `Authorization` header on a WebSocket: it authenticates with the
 * cookies of the page's origin, which the relay issues.
 *
 * @example
 * const transport = await BrowserWebSocketTransport.connect('ws://127.0.0.1:8765/codex');
 * const codex = new Codex({ transport: () => transport });
 */
export class BrowserWebSocketTransport implements Transport {
  readonly frames$: Observable<JsonRpcMessage>;
  readonly diagnostics$: Observable<TransportDiagnostic>;

  private readonly frames = new HeldFrameStream<JsonRpcMessage>();
  private readonly diagnostics = new Subject<TransportDiagnostic>();
  private ended = false;
  private closeRequested = false;
  private readonly socketClosed: Promise<void>;

  /** Opens a socket to `url` and resolves once it is open; rejects with `TransportClosedError` when it cannot. */
  static connect(url: string, options: BrowserWebSocketTransportOptions = {}): Promise<BrowserWebSocketTransport> {
    const create = options.webSocket ?? globalWebSocket();
    const socket = create(url);
    const label = urlLabel(url);
    return new Promise((resolve, reject) => {
      let settled = false;
      // A refused upgrade surfaces as 'error' then 'close' with code 1006: the browser hides the HTTP status.
      socket.addEventListener('open', () => {
        if (settled) return;
        settled = true;
        resolve(new BrowserWebSocketTransport(socket, label));
      });
      socket.addEventListener('close', (event) => {
        if (settled) return;
        settled = true;
        reject(new TransportClosedError(`could not connect to ${label}`, { closeCode: event.code, closeReason: event.reason }));
      });
    });
  }

  private constructor(
    private readonly socket: StandardWebSocket,
    /** The endpoint, as shown in error messages. */
    readonly endpoint: string,
  ) {
    this.frames$ = this.frames.observable;
    this.diagnostics$ = this.diagnostics.asObservable();
    let settle!: () => void;
    this.socketClosed = new Promise<void>((resolve) => (settle = resolve));
    const sink = { message: (message: JsonRpcMessage) => this.frames.next(message), diagnostic: (diagnostic: TransportDiagnostic) => this.diagnostics.next(diagnostic) };
    socket.addEventListener('message', (event) => {
      if (typeof event.data === 'string') decodeFrame(event.data, sink);
      else sink.diagnostic({ kind: 'not-a-message', raw: '', message: 'a binary frame; the protocol sends text frames only' });
    });
    socket.addEventListener('close', (event) => {
      this.finish(event.code, event.reason);
      settle();
    });
    if (socket.readyState === CLOSED) {
      this.finish(1006, '');
      settle();
    }
  }

  send(message: JsonRpcMessage): void {
    if (this.closeRequested || this.ended || this.socket.readyState !== OPEN) {
      throw new TransportClosedError(`WebSocket to ${this.endpoint} is closed`);
    }
    this.socket.send(JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.closeRequested) return this.socketClosed;
    this.closeRequested = true;
    if (this.ended) return;
    this.socket.close(1000, 'client closed');
    // The standard API cannot drop a socket at once: a peer that never answers the closing
    // handshake is given up on after a while, so close() always settles.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const givenUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)));
    await Promise.race([this.socketClosed, givenUp]).finally(() => clearTimeout(timer));
    this.finish(1006, 'closing handshake timed out');
  }

  private finish(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.diagnostics.complete();
    this.frames.end(
      this.closeRequested ? undefined : new TransportClosedError(`WebSocket to ${this.endpoint} closed`, { closeCode: code, closeReason: reason }),
    );
  }
}

function globalWebSocket(): (url: string) => StandardWebSocket {
  const constructor = (globalThis as { WebSocket?: new (url: string) => StandardWebSocket }).WebSocket;
  if (constructor === undefined) {
    throw new TypeError('this runtime has no global WebSocket; pass `webSocket: (url) => new WebSocket(url)` from the ws package');
  }
  return (url) => new constructor(url);
}

function urlLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    throw new TypeError(`not a WebSocket URL: ${JSON.stringify(url)}`);
  }
}
