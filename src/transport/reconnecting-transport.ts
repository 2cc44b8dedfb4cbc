import { defer, from, of, retry, Subject, Subscription, switchMap, tap, throwError, timer, type Observable } from 'rxjs';
import { AuthenticationError } from '../errors/authentication-error.js';
import { TransportClosedError } from '../errors/transport-closed-error.js';
import { jsonRpcErrorFrom } from '../jsonrpc/json-rpc-error.js';
import type { JsonRpcErrorObject, JsonRpcMessage } from '../jsonrpc/json-rpc-message.js';
import type { ConnectionStatus } from './connection-status.js';
import { DirectObservable } from '../internal/direct-observable.js';
import { withDefaults } from '../internal/with-defaults.js';
import { HeldFrameStream } from './held-frame-stream.js';
import { DEFAULT_RECONNECT_CONFIG, type ReconnectConfig } from './reconnect-config.js';
import type { ReconnectDiagnostic } from './reconnect-diagnostic.js';
import type { Transport } from './transport.js';
import type { TransportDiagnostic } from './transport-diagnostic.js';

/**
 * The new connection during a reconnection, before anything the client queued is sent on it:
 * the handshake initializes it and resumes what the client had open. Answers to these calls are
 * kept apart from the client's own requests.
 *
 * @example
 * const handshake = async (channel: ReconnectHandshake) => {
 *   await channel.request('initialize', { clientInfo: { name: 'app', version: '1.0.0' } });
 *   channel.notify('initialized');
 * };
 */
export interface ReconnectHandshake {
  /** Sends a request on the new connection and resolves with its result (rejects with its JSON-RPC error). */
  request(method: string, params?: unknown): Promise<unknown>;
  /** Sends a notification on the new connection. */
  notify(method: string, params?: unknown): void;
}

/**
 * Options of `ReconnectingTransport.connect`.
 *
 * @example
 * const token = process.env['CODEX_APP_SERVER_TOKEN']!;
 * const transport = await ReconnectingTransport.connect({
 *   open: () => WebSocketTransport.connect('ws://127.0.0.1:4500', { token }),
 *   reconnect: { maxAttempts: 5 },
 *   handshake: async (channel) => {
 *     await channel.request('initialize', { clientInfo: { name: 'app', version: '1.0.0' } });
 *     channel.notify('initialized');
 *   },
 * });
 */
export interface ReconnectingTransportOptions {
  /** Opens one connection (a cold socket): called once at the start and once per attempt after a drop. */
  readonly open: () => Transport | Promise<Transport>;
  /** The retry policy; `DEFAULT_RECONNECT_CONFIG` fills what is not given. */
  readonly reconnect?: ReconnectConfig;
  /** Runs on each new connection after a drop, before the messages sent meanwhile go out. */
  readonly handshake: (channel: ReconnectHandshake) => Promise<void>;
  /** How long one handshake may take before the attempt counts as failed, in ms. Default 30 s. */
  readonly handshakeTimeoutMs?: number;
  /** The random source of the jitter, in [0, 1). */
  readonly random?: () => number;
  /**
   * Whether a refused token (`AuthenticationError`) is worth another attempt: true when `open`
   * reads the token anew each time (a token file a restarted server rewrites). Default false: a
   * fixed token refused once is refused again, and the retries end at once.
   */
  readonly tokenMayChange?: boolean;
}

const HANDSHAKE_TIMEOUT_MS = 30_000;

interface HandshakeCall {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * A `Transport` that survives drops: one connection at a time, opened by a factory, and on an
 * unexpected close a retry with jittered exponential backoff around that factory. Each new
 * connection gets the handshake first; messages the client sends meanwhile wait and go out after
 * it. `connectionLost$` tells the connection above of each drop at once, so it can fail or resend
 * what was on the wire; `frames$` goes on across connections and errors with a
 * `TransportClosedError` only when the policy gives up (an `AuthenticationError` ends it at once,
 * unless `tokenMayChange`: trying the same token again cannot help).
 *
 * @example
 * const [url, token] = ['ws://127.0.0.1:4500', process.env['CODEX_APP_SERVER_TOKEN']!];
 * const transport = await ReconnectingTransport.connect({
 *   open: () => WebSocketTransport.connect(url, { token }),
 *   handshake: async (channel) => {
 *     await channel.request('initialize', { clientInfo: { name: 'app', version: '1.0.0' } });
 *     channel.notify('initialized');
 *   },
 * });
 * transport.status$.subscribe((status) => console.log(status.state));
 */
export class ReconnectingTransport implements Transport {
  private readonly frames = new HeldFrameStream<JsonRpcMessage>();
  private readonly diagnosticsSubject = new Subject<TransportDiagnostic>();
  private readonly statusSubject = new Subject<ConnectionStatus>();
  private readonly reconnectDiagnosticsSubject = new Subject<ReconnectDiagnostic>();
  private readonly lostSubject = new Subject<Error>();
  private readonly config: Required<ReconnectConfig>;
  private current: Transport | undefined;
  private currentSubscription: Subscription | undefined;
  /** The current connection has passed its handshake: messages go straight to it. */
  private live = true;
  /** What the client sent while no connection was live, in order. */
  private queue: JsonRpcMessage[] = [];
  private readonly handshakeCalls = new Map<string, HandshakeCall>();
  private nextHandshakeId = 1;
  private reconnecting: Subscription | undefined;
  private closing: Promise<void> | undefined;
  private ended = false;

  readonly frames$: Observable<JsonRpcMessage> = this.frames.observable;
  readonly diagnostics$: Observable<TransportDiagnostic> = this.diagnosticsSubject.asObservable();
  /** Each drop, as it happens (before any reconnection attempt). Hot. */
  readonly connectionLost$: Observable<Error> = this.lostSubject.asObservable();
  /** `reconnecting` before each attempt, `ready` after a successful handshake, `closed` at the end. Hot. */
  readonly status$: Observable<ConnectionStatus> = this.statusSubject.asObservable();
  /** Drops, failed attempts and reconnections. Hot. */
  readonly reconnectDiagnostics$: Observable<ReconnectDiagnostic> = this.reconnectDiagnosticsSubject.asObservable();

  /** Opens the first connection (failing as the factory fails: no retry before a session exists). */
  static async connect(options: ReconnectingTransportOptions): Promise<ReconnectingTransport> {
    return new ReconnectingTransport(await options.open(), options);
  }

  private constructor(
    first: Transport,
    private readonly options: ReconnectingTransportOptions,
  ) {
    this.config = withDefaults(DEFAULT_RECONNECT_CONFIG, options.reconnect ?? {});
    this.attach(first);
  }

  send(message: JsonRpcMessage): void {
    if (this.closing !== undefined || this.ended) throw new TransportClosedError('the connection to the app-server is closed');
    const current = this.current;
    if (this.live && current !== undefined) {
      try {
        current.send(message);
      } catch {
        // The socket is going away and its close is about to be seen: the drop fails or resends
        // whatever was on the wire, this message included.
      }
      return;
    }
    if (!('method' in message)) {
      // An answer to a server request: during a handshake it belongs to the new connection; in a
      // gap, the request it answers was withdrawn with the old one.
      if (current !== undefined) current.send(message);
      return;
    }
    this.queue.push(message);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.reconnecting?.unsubscribe();
      const current = this.detach();
      this.rejectHandshakeCalls(new TransportClosedError('the connection was closed by the client'));
      this.queue = [];
      if (!this.ended) this.statusSubject.next({ state: 'closed', reason: 'closed by the client' });
      await current?.close();
      this.end(undefined);
    })();
    return this.closing;
  }

  private attach(transport: Transport): void {
    this.current = transport;
    const subscription = new Subscription();
    this.currentSubscription = subscription;
    subscription.add(
      DirectObservable.attach(transport.frames$, {
        next: (message) => this.onMessage(message),
        error: (error: unknown) => this.onDrop(transport, error),
        complete: () => this.onDrop(transport, new TransportClosedError('the connection ended')),
      }),
    );
    subscription.add(transport.diagnostics$.subscribe((diagnostic) => this.diagnosticsSubject.next(diagnostic)));
  }

  private detach(): Transport | undefined {
    const current = this.current;
    this.current = undefined;
    this.currentSubscription?.unsubscribe();
    this.currentSubscription = undefined;
    return current;
  }

  private onMessage(message: JsonRpcMessage): void {
    const id = (message as { id?: unknown }).id;
    const call = typeof id === 'string' && !('method' in message) ? this.handshakeCalls.get(id) : undefined;
    if (call === undefined) {
      this.frames.next(message);
      return;
    }
    this.handshakeCalls.delete(id as string);
    const error = (message as { error?: JsonRpcErrorObject }).error;
    if (error !== undefined && error !== null) call.reject(jsonRpcErrorFrom(error));
    else call.resolve((message as { result?: unknown }).result);
  }

  private onDrop(transport: Transport, error: unknown): void {
    if (transport !== this.current || this.closing !== undefined) return;
    this.detach();
    const cause = asError(error);
    // A drop during a handshake fails that attempt; the retry loop goes on.
    this.rejectHandshakeCalls(cause);
    if (!this.live) return;
    this.live = false;
    // Whatever was written but unanswered is settled by the connection above (failed, or resent
    // through the new queue); nothing written before the drop is sent twice.
    this.queue = [];
    const droppedAt = Date.now();
    this.reconnectDiagnosticsSubject.next({ kind: 'connection-lost', message: `the connection dropped: ${cause.message}`, error: cause });
    this.lostSubject.next(cause);
    this.startReconnecting(droppedAt);
  }

  private startReconnecting(droppedAt: number): void {
    const { maxAttempts } = this.config;
    let attempt = 0;
    this.reconnecting = defer(() => {
      attempt += 1;
      const delayMs = this.delayBefore(attempt);
      this.statusSubject.next({ state: 'reconnecting', attempt, delayMs });
      return timer(delayMs).pipe(
        switchMap(() => from(this.tryConnect())),
        // Every failed attempt is reported, the last one included.
        tap({
          error: (error: unknown) =>
            this.reconnectDiagnosticsSubject.next({
              kind: 'reconnect-attempt-failed',
              attempt,
              message: `reconnection attempt ${attempt} failed: ${asError(error).message}`,
              error,
            }),
        }),
      );
    })
      .pipe(
        retry({
          count: Math.max(0, maxAttempts - 1),
          delay: (error: unknown) => (error instanceof AuthenticationError && this.options.tokenMayChange !== true ? throwError(() => error) : of(0)),
        }),
      )
      .subscribe({
        next: () => {
          this.live = true;
          const queued = this.queue;
          this.queue = [];
          for (const message of queued) this.send(message);
          this.statusSubject.next({ state: 'ready' });
          const downtimeMs = Date.now() - droppedAt;
          this.reconnectDiagnosticsSubject.next({
            kind: 'reconnected',
            attempts: attempt,
            downtimeMs,
            message: `reconnected after ${attempt} attempt(s), ${downtimeMs} ms after the drop`,
          });
        },
        error: (error: unknown) => {
          const message = `gave up reconnecting to the app-server after ${attempt} attempt(s): ${asError(error).message}`;
          this.statusSubject.next({ state: 'closed', reason: message });
          this.queue = [];
          this.end(new TransportClosedError(message, { cause: error }));
        },
      });
  }

  private async tryConnect(): Promise<void> {
    const transport = await this.options.open();
    if (this.closing !== undefined) {
      await transport.close();
      throw new TransportClosedError('the connection was closed by the client');
    }
    this.attach(transport);
    let timeout: ReturnType<typeof setTimeout> | undefined;
    try {
      const timeoutMs = this.options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
      const timedOut = new Promise<never>((_, reject) => {
        timeout = setTimeout(() => reject(new TransportClosedError(`the reconnection handshake took more than ${timeoutMs} ms`)), timeoutMs);
      });
      await Promise.race([this.options.handshake(this.channel(transport)), timedOut]);
      if (this.current !== transport) throw new TransportClosedError('the connection dropped during the reconnection handshake');
    } catch (error) {
      if (this.current === transport) this.detach();
      this.rejectHandshakeCalls(asError(error));
      await transport.close().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timeout);
    }
  }

  private channel(transport: Transport): ReconnectHandshake {
    return {
      request: (method, params) =>
        new Promise<unknown>((resolve, reject) => {
          const id = `reconnect-${this.nextHandshakeId++}`;
          this.handshakeCalls.set(id, { resolve, reject });
          try {
            transport.send(params === undefined ? { id, method } : { id, method, params });
          } catch (error) {
            this.handshakeCalls.delete(id);
            reject(error);
          }
        }),
      notify: (method, params) => transport.send(params === undefined ? { method } : { method, params }),
    };
  }

  private rejectHandshakeCalls(error: Error): void {
    const calls = [...this.handshakeCalls.values()];
    this.handshakeCalls.clear();
    for (const call of calls) call.reject(error);
  }

  private delayBefore(attempt: number): number {
    const { initialDelayMs, maxDelayMs, jitter } = this.config;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
    const factor = 1 + jitter * (2 * (this.options.random ?? Math.random)() - 1);
    return Math.max(0, Math.round(base * factor));
  }

  private end(error: Error | undefined): void {
    if (this.ended) return;
    this.ended = true;
    this.frames.end(error);
    this.diagnosticsSubject.complete();
    this.statusSubject.complete();
    this.reconnectDiagnosticsSubject.complete();
    this.lostSubject.complete();
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
