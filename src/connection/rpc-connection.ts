import type * as t from 'io-ts';
import { BehaviorSubject, Observable, Subject, from, isObservable, take, type Subscription } from 'rxjs';
import { ConnectionLostError } from '../errors/connection-lost-error.js';
import { ConnectionStateError } from '../errors/connection-state-error.js';
import { DecodeError } from '../errors/decode-error.js';
import { InvalidParamsError, MethodNotFoundError } from '../jsonrpc/json-rpc-error.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import { TransportClosedError } from '../errors/transport-closed-error.js';
import type { ClientRequestMethod, ParamsArgument, ResultOf } from '../protocol/client-request.js';
import type { InitializeParams, InitializeResponse } from '../protocol/generated/codecs.js';
import {
  clientRequestCodecs,
  serverNotificationCodecs,
  serverRequestCodecs,
} from '../protocol/generated/methods.js';
import { clientRequestValidators, serverNotificationValidators } from '../protocol/generated/validators.js';
import type { ServerNotification } from '../protocol/server-notification.js';
import type { UntypedNotification } from '../protocol/untyped-notification.js';
import { validationReport } from '../protocol/validation-report.js';
import type { JsonRpcErrorObject, JsonRpcMessage, RequestId } from '../jsonrpc/json-rpc-message.js';
import type { Transport } from '../transport/transport.js';
import type { TransportDiagnostic } from '../transport/transport-diagnostic.js';
import { withDefaults } from '../internal/with-defaults.js';
import { defaultServerRequestAnswer } from './default-server-request-answers.js';
import { failSafeServerRequestAnswer } from './fail-safe-server-request-answer.js';
import { isSafeToResend } from './is-safe-to-resend.js';
import { overloadDelayMs } from './overload-delay-ms.js';
import type { RequestObserver, RequestProbe } from './request-observer.js';
import { serverErrorFrom } from './server-error-from.js';
import type { RpcConnectionConfig } from './rpc-connection-config.js';
import { DEFAULT_RPC_CONNECTION_CONFIG } from './rpc-connection-config.js';
import { DirectObservable } from '../internal/direct-observable.js';
import { HotStream } from '../internal/hot-stream.js';
import { IdMap } from '../internal/id-map.js';
import type {
  Answer,
  IncomingServerRequest,
  ServerRequestHandler,
  ServerRequestMethod,
} from './server-request.js';

/**
 * Where a connection is in its life. Every entry point checks it.
 *
 * @example
 * if (connection.state === 'ready') await connection.request('thread/list', {});
 */
export type ConnectionState = 'new' | 'initializing' | 'ready' | 'closed';

/**
 * Something unusual read from the server that did not stop the connection.
 *
 * @example
 * connection.diagnostics$.subscribe({
 *   next: (diagnostic: ConnectionDiagnostic) =>
 *     console.warn(diagnostic.kind, diagnostic.kind === 'decode-error' ? diagnostic.error.message : diagnostic.message),
 *   error: () => {},
 * });
 */
export type ConnectionDiagnostic =
  | TransportDiagnostic
  | { readonly kind: 'decode-error'; readonly error: DecodeError }
  | { readonly kind: 'unexpected-response'; readonly id: RequestId | null; readonly message: string }
  /** The first notification of a method the generated protocol does not know (once per method; all stay on `untypedNotifications$`). */
  | { readonly kind: 'untyped-notification'; readonly method: string; readonly message: string }
  /** The server is not the version the protocol was generated from (the first diagnostic every subscriber of `Codex.diagnostics$` sees). */
  | { readonly kind: 'version-mismatch'; readonly serverVersion: string; readonly protocolVersion: string; readonly message: string }
  /** A message that is no usable JSON-RPC message (not an object, an id or method of the wrong type …); `frame` is the message as received. */
  | { readonly kind: 'invalid-message'; readonly frame: unknown; readonly message: string }
  /** A server request that stayed unanswered for `serverRequestTimeoutMs` and got the fail-safe answer. */
  | { readonly kind: 'server-request-timeout'; readonly id: RequestId; readonly method: string; readonly message: string };

/**
 * Per-call options of `request`.
 *
 * @example
 * const page = await codex.threadList({ limit: 20 }, { timeoutMs: 5_000, signal: AbortSignal.timeout(10_000) });
 */
export interface RequestOptions {
  /** Cancels the request, waiting or sent: the Promise rejects with an `AbortError` and a late answer is ignored. */
  readonly signal?: AbortSignal;
  /** Overrides the connection's request timeout for this call (counted from when it is sent); 0 waits forever. */
  readonly timeoutMs?: number;
  /** Called with the request's JSON-RPC id as it is sent, to match notifications that name their request (`thread/search/partial`). */
  readonly onRequestId?: (id: RequestId) => void;
}

/** A request of the client, from the call until it is settled. */
interface OutgoingRequest {
  readonly method: string;
  readonly params: unknown;
  /** The checks of the result, when results are validated. */
  readonly resultCodec: RequestChecks | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly cleanup: () => void;
  readonly timeoutMs: number;
  readonly onRequestId: ((id: RequestId) => void) | undefined;
  /** The id of the copy on the wire; undefined while waiting for a slot or for an overload retry. */
  id: RequestId | undefined;
  overloadRetries: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Whether it holds one of the `maxInFlightRequests` slots (given back when it is settled). */
  holdsSlot: boolean;
  removed: boolean;
  /** Telemetry's probe of this request (see `observeRequests`). */
  readonly probe: RequestProbe | undefined;
}

/** A server request that a handler or subscriber saw, until its answer is written. */
interface OpenServerRequest {
  readonly request: IncomingServerRequest;
  readonly timer: ReturnType<typeof setTimeout> | undefined;
  /** Makes `answered` true: the request is claimed here or resolved elsewhere. */
  readonly markAnswered: () => void;
}

type Reply = { readonly result: unknown } | { readonly error: { readonly code: number; readonly message: string } };

/** A notification's codec, for the report, and the check that accepts it: compiled for the hot ones, else the codec's `is`. */
interface NotificationCheck {
  readonly codec: t.Decoder<unknown, unknown>;
  readonly is: (params: unknown) => boolean;
}

const NOTHING_TO_CLEAN = (): void => undefined;

// Looked up once per frame by the method string `JSON.parse` has just made: an IdMap, which does
// not hash the whole fresh string as `Map.get` would (23 characters for a message delta).
const NOTIFICATION_CODECS = new IdMap<NotificationCheck>();
for (const [method, codec] of Object.entries(serverNotificationCodecs)) {
  const is = serverNotificationValidators[method as keyof typeof serverNotificationValidators] ?? ((params: unknown) => (codec as t.Any).is(params));
  NOTIFICATION_CODECS.set(method, { codec, is });
}
/** A request's codecs, for reports, and the checks that accept its params and result: compiled for the hot ones, else `is`. */
interface RequestChecks {
  readonly params: t.Decoder<unknown, unknown>;
  readonly result: t.Decoder<unknown, unknown>;
  readonly paramsAre: (params: unknown) => boolean;
  readonly resultIs: (result: unknown) => boolean;
}

const REQUEST_CODECS: ReadonlyMap<string, RequestChecks> = new Map(
  Object.entries(clientRequestCodecs).map(([method, codecs]): [string, RequestChecks] => {
    const compiled = clientRequestValidators[method as keyof typeof clientRequestValidators];
    return [
      method,
      {
        ...codecs,
        paramsAre: compiled?.params ?? ((params) => (codecs.params as t.Any).is(params)),
        resultIs: compiled?.result ?? ((result) => (codecs.result as t.Any).is(result)),
      },
    ];
  }),
);
const SERVER_REQUEST_CODECS: ReadonlyMap<string, { params: t.Decoder<unknown, unknown> }> = new Map(
  Object.entries(serverRequestCodecs),
);

const SERVER_BUSY = -32001;
const OVERLOAD_BACKOFF = { initialDelayMs: 250, maxDelayMs: 2_000, jitterRatio: 0.2 } as const;

/**
 * A JSON-RPC connection to one app-server over a `Transport`: correlates responses to requests
 * by id, keeps at most `maxInFlightRequests` on the wire, decodes notifications by method,
 * answers server requests, and fails everything pending with a typed error when the transport
 * goes away. Whatever the server sends, a message it cannot use becomes a diagnostic or the typed
 * error of the request it answers; the connection goes on serving the others.
 *
 * @example
 * const connection = new RpcConnection(new StdioTransport());
 * await connection.initialize({ clientInfo: { name: 'app', version: '1.0.0' } });
 * const { thread } = await connection.request('thread/start', {});
 */
export class RpcConnection {
  private stateValue: ConnectionState = 'new';
  private nextId = 1;
  /** Every request not settled yet, waiting for a slot or on the wire. */
  private readonly outgoing = new Set<OutgoingRequest>();
  private readonly onWire = new Map<RequestId, OutgoingRequest>();
  /** How many requests hold a slot (see `maxInFlightRequests`). */
  private slotsTaken = 0;
  /** Requests waiting for a slot, in call order; one settled meanwhile gives its turn up unsent. */
  private readonly waiting: OutgoingRequest[] = [];
  private readonly openServerRequests = new Map<RequestId, OpenServerRequest>();
  // Every notification crosses it: a HotStream, not a Subject (see HotStream).
  private readonly notificationsSubject = new HotStream<ServerNotification>();
  private readonly untypedSubject = new Subject<UntypedNotification>();
  private readonly untypedMethodsSeen = new Set<string>();
  private readonly serverRequestsSubject = new Subject<IncomingServerRequest>();
  private readonly pendingServerRequestsSubject = new BehaviorSubject<readonly IncomingServerRequest[]>([]);
  private readonly diagnosticsSubject = new Subject<ConnectionDiagnostic>();
  private readonly handlers = new Map<string, ServerRequestHandler<ServerRequestMethod>>();
  private readonly config: Required<Omit<RpcConnectionConfig, 'serverRequestHandlers' | 'validateNotifications'>>;
  private readonly subscriptions: Subscription[] = [];
  private closeError: Error | undefined;
  private requestObserver: RequestObserver | undefined;
  private closing: Promise<void> | undefined;

  /** Every notification whose method the protocol knows, decoded, in arrival order. Hot. */
  readonly notifications$: Observable<ServerNotification> = this.notificationsSubject.observable;
  /** Notifications of methods the pinned protocol does not know. Hot. */
  readonly untypedNotifications$: Observable<UntypedNotification> = this.untypedSubject.asObservable();
  /**
   * Requests from the server (approvals …) for a UI to answer. Hot. While it has a subscriber,
   * every request waits for an answer from the app (see `IncomingServerRequest`).
   */
  readonly serverRequests$: Observable<IncomingServerRequest> = this.serverRequestsSubject.asObservable();
  /**
   * The server requests waiting for the app's answer, oldest first: the current list on
   * subscribe, then a new list whenever one arrives, is answered, or is resolved by the server.
   * While it has a subscriber, requests wait for an answer as on `serverRequests$`.
   */
  readonly pendingServerRequests$: Observable<readonly IncomingServerRequest[]> = this.pendingServerRequestsSubject.asObservable();
  /** Garbage, codec failures, answers to unknown ids, server requests that timed out: reported here, never thrown. Hot. */
  readonly diagnostics$: Observable<ConnectionDiagnostic> = this.diagnosticsSubject.asObservable();

  constructor(
    private readonly transport: Transport,
    config: RpcConnectionConfig = {},
  ) {
    const { serverRequestHandlers, validateNotifications, ...rest } = config;
    this.config = withDefaults(DEFAULT_RPC_CONNECTION_CONFIG, { validateServerMessages: validateNotifications, ...rest });
    const slots = this.config.maxInFlightRequests;
    if (!(slots === Infinity || (Number.isInteger(slots) && slots > 0))) {
      throw new RangeError(`maxInFlightRequests must be a positive integer or Infinity, not ${String(slots)}`);
    }
    for (const [method, handler] of Object.entries(serverRequestHandlers ?? {})) {
      if (handler !== undefined) this.handlers.set(method, handler as ServerRequestHandler<ServerRequestMethod>);
    }
    this.subscriptions.push(
      // Directly, when the transport's stream allows it: every frame crosses this.
      DirectObservable.attach(transport.frames$, {
        next: (frame) => this.onFrame(frame),
        error: (error: unknown) => this.shutDown(asError(error), false),
        complete: () => this.shutDown(new TransportClosedError('connection closed by the client'), true),
      }),
      transport.diagnostics$.subscribe((diagnostic) => this.diagnosticsSubject.next(diagnostic)),
    );
    if (transport.connectionLost$ !== undefined) this.subscriptions.push(transport.connectionLost$.subscribe((cause) => this.onConnectionLost(cause)));
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /**
   * Lets telemetry follow every request from now on (undefined stops it). One observer at a time.
   *
   * @internal
   */
  observeRequests(observer: RequestObserver | undefined): void {
    this.requestObserver = observer;
  }

  /** How many requests are waiting for a slot or for their answer. */
  get pendingRequests(): number {
    return this.outgoing.size;
  }

  /**
   * Sends `initialize` and then the `initialized` notification. Other requests are refused until
   * this has succeeded; on failure the connection closes.
   */
  async initialize(params: InitializeParams, options: RequestOptions = {}): Promise<InitializeResponse> {
    if (this.stateValue !== 'new') {
      throw this.stateError(`initialize: the connection is ${this.stateValue}`);
    }
    this.stateValue = 'initializing';
    try {
      const response = await this.send('initialize', params, options);
      this.transport.send({ method: 'initialized' });
      if (this.stateValue === 'initializing') this.stateValue = 'ready';
      return response as InitializeResponse;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /**
   * Calls a protocol method and resolves with its decoded result. Params are checked with the
   * method's codec before anything is written; the request waits its turn while
   * `maxInFlightRequests` are on the wire, and is sent again on overload (-32001).
   */
  request<M extends ClientRequestMethod>(method: M, ...args: [...ParamsArgument<M>, RequestOptions?]): Promise<ResultOf<M>> {
    const [params, options] = args as unknown as [unknown, RequestOptions | undefined];
    if (this.stateValue !== 'ready') return Promise.reject(this.stateError(`${method}: the connection is ${this.stateValue}`));
    return this.send(method, params, options ?? {}) as Promise<ResultOf<M>>;
  }

  /**
   * The cold Observable form of `request`: sends on subscribe, emits the result once and
   * completes; unsubscribing before the answer abandons the request (a waiting one is never
   * sent, a late answer is ignored).
   */
  request$<M extends ClientRequestMethod>(method: M, ...args: [...ParamsArgument<M>, RequestOptions?]): Observable<ResultOf<M>> {
    const [params, options] = args as unknown as [unknown, RequestOptions | undefined];
    return new Observable<ResultOf<M>>((subscriber) => {
      const abort = new AbortController();
      const signal = options?.signal === undefined ? abort.signal : AbortSignal.any([abort.signal, options.signal]);
      (this.request as (m: string, p: unknown, o: RequestOptions) => Promise<ResultOf<M>>)(method, params, { ...options, signal }).then(
        (result) => {
          subscriber.next(result);
          subscriber.complete();
        },
        (error: unknown) => subscriber.error(error),
      );
      return () => abort.abort();
    });
  }

  /**
   * Calls any method with any params and resolves with the raw result, unchecked: the escape hatch
   * for methods the generated protocol does not know (a server newer than the codecs).
   *
   * @example
   * const result = await connection.requestUntyped('thread/realtime/list', { threadId });
   */
  requestUntyped(method: string, params?: unknown, options: RequestOptions = {}): Promise<unknown> {
    if (this.stateValue !== 'ready') return Promise.reject(this.stateError(`${method}: the connection is ${this.stateValue}`));
    return this.send(method, params, options, true);
  }

  /** Sends a notification to the server. */
  notify(method: string, params?: unknown): void {
    if (this.stateValue === 'closed') throw this.stateError(`${method}: the connection is closed`);
    this.transport.send(params === undefined ? { method } : { method, params });
  }

  /**
   * Registers (or, with `undefined`, removes) the handler of one server request method. Returns a
   * function that removes this handler (and leaves a handler registered after it in place).
   */
  setServerRequestHandler<M extends ServerRequestMethod>(method: M, handler: ServerRequestHandler<M> | undefined): () => void {
    if (handler === undefined) {
      this.handlers.delete(method);
      return () => {};
    }
    const registered = handler as unknown as ServerRequestHandler<ServerRequestMethod>;
    this.handlers.set(method, registered);
    return () => {
      if (this.handlers.get(method) === registered) this.handlers.delete(method);
    };
  }

  /**
   * Forgets an open server request without answering it, as `serverRequest/resolved` does: for a
   * request the server no longer waits for though it never said so (a tool call whose turn was
   * interrupted). An answer given afterwards is dropped. False when it was not open.
   */
  withdrawServerRequest(id: RequestId): boolean {
    return this.closeServerRequest(id);
  }

  /** Closes the transport; pending requests fail with `TransportClosedError`. Idempotent. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      this.closing = (async () => {
        this.shutDown(new TransportClosedError('connection closed by the client'), true);
        await this.transport.close();
      })();
    }
    return this.closing;
  }

  private send(method: string, params: unknown, options: RequestOptions, untyped = false): Promise<unknown> {
    const codecs = untyped ? undefined : REQUEST_CODECS.get(method);
    if (codecs === undefined && !untyped) {
      return Promise.reject(new MethodNotFoundError(-32601, 'not a method of the app-server protocol; nothing was sent', undefined, method));
    }
    // What `is` accepts, decode accepts (see decodeFailure): only the rest is decoded, for the report.
    if (codecs !== undefined && this.config.validateParams && !codecs.paramsAre(params)) {
      const checked = codecs.params.decode(params);
      // The tag of io-ts's Either, read directly: importing fp-ts's `isLeft` costs every program load time.
      if (checked._tag === 'Left') {
        const report = validationReport(checked.left);
        return Promise.reject(
          new InvalidParamsError(-32602, `invalid params, nothing was sent: ${report.join('; ')}`, { report }, method),
        );
      }
    }
    if (options.signal?.aborted) return Promise.reject(abortError(method));
    const probe = this.requestObserver?.request(method, params);
    const signal = options.signal;
    return new Promise<unknown>((resolve, reject) => {
      // Only with a signal: most requests have none, and every pending one keeps these.
      const onAbort = signal === undefined ? undefined : () => this.fail(request, abortError(method));
      const request: OutgoingRequest = {
        method,
        params,
        resultCodec: this.config.validateResults ? codecs : undefined,
        onRequestId: options.onRequestId,
        resolve: probe === undefined ? resolve : (value) => (probe.settled(undefined, value), resolve(value)),
        reject: probe === undefined ? reject : (error) => (probe.settled(error), reject(error)),
        probe,
        cleanup: signal === undefined ? NOTHING_TO_CLEAN : () => signal.removeEventListener('abort', onAbort!),
        timeoutMs: options.timeoutMs ?? this.config.requestTimeoutMs,
        id: undefined,
        overloadRetries: 0,
        timer: undefined,
        retryTimer: undefined,
        holdsSlot: false,
        removed: false,
      };
      if (signal !== undefined) signal.addEventListener('abort', onAbort!, { once: true });
      this.outgoing.add(request);
      // A slot per request until it is settled; the others wait in call order. A counter and a
      // queue, not an operator: every request of every turn passes here.
      if (this.slotsTaken < this.config.maxInFlightRequests) this.occupySlot(request);
      else this.waiting.push(request);
    });
  }

  private occupySlot(request: OutgoingRequest): void {
    this.slotsTaken += 1;
    request.holdsSlot = true;
    this.transmit(request);
  }

  private freeSlot(): void {
    this.slotsTaken -= 1;
    while (this.slotsTaken < this.config.maxInFlightRequests && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      // Settled while it waited (aborted, timed out, closed): it gives its turn up unsent.
      if (!next.removed) this.occupySlot(next);
    }
  }

  /**
   * Writes the request under a fresh id (a retry is a new message). The timeout starts with the
   * first write: it measures the server, not the wait for a slot behind this client's own calls.
   */
  private transmit(request: OutgoingRequest): void {
    if (request.removed) return;
    if (request.timer === undefined && request.timeoutMs > 0) {
      request.timer = setTimeout(() => this.fail(request, new RequestTimeoutError(request.method, request.timeoutMs)), request.timeoutMs);
    }
    const id = this.nextId++;
    request.id = id;
    this.onWire.set(id, request);
    request.onRequestId?.(id);
    request.probe?.sent(id);
    try {
      this.transport.send(request.params === undefined ? { id, method: request.method } : { id, method: request.method, params: request.params });
    } catch (error) {
      this.fail(request, error);
    }
  }

  /**
   * Removes a request from the pending ones and releases what it holds (timers, abort listener,
   * admission slot). Returns false when it was removed already, so each request settles once.
   */
  private removePending(request: OutgoingRequest): boolean {
    if (request.removed) return false;
    request.removed = true;
    this.outgoing.delete(request);
    if (request.id !== undefined) this.onWire.delete(request.id);
    if (request.timer !== undefined) clearTimeout(request.timer);
    if (request.retryTimer !== undefined) clearTimeout(request.retryTimer);
    request.cleanup();
    if (request.holdsSlot) {
      request.holdsSlot = false;
      this.freeSlot();
    }
    return true;
  }

  /**
   * The transport dropped and is reconnecting: answers to what was on the wire will never come.
   * Reads are written again (the transport holds them until it is back); everything else fails
   * with `ConnectionLostError`. Server requests waiting for the app are withdrawn: an answer could
   * not reach the connection that asked (the server asks again if it still needs one).
   */
  private onConnectionLost(cause: Error): void {
    for (const id of [...this.openServerRequests.keys()]) this.closeServerRequest(id);
    for (const request of [...this.onWire.values()]) {
      if (request.id !== undefined && isSafeToResend(request.method)) {
        this.onWire.delete(request.id);
        request.id = undefined;
        this.transmit(request);
      } else {
        this.fail(request, new ConnectionLostError(request.method, cause));
      }
    }
  }

  private fail(request: OutgoingRequest, error: unknown): void {
    if (this.removePending(request)) request.reject(error);
  }

  private onFrame(frame: unknown): void {
    try {
      this.route(frame);
    } catch (error) {
      // Reached only by a fault of the client's own code on odd input; reported, never thrown
      // into the transport's stream (that would end the connection for every caller).
      this.invalidMessage(frame, `a message could not be handled: ${asError(error).message}`);
    }
  }

  private route(frame: unknown): void {
    if (!isRecord(frame)) {
      this.invalidMessage(frame, `a message that is not a JSON-RPC object (${describeValue(frame)}) was ignored`);
      return;
    }
    if (!('method' in frame)) {
      this.onResponse(frame);
      return;
    }
    const { method, id } = frame;
    if (typeof method !== 'string') {
      if (isRequestId(id)) this.reply(id, { error: { code: -32600, message: 'the method of a request must be a string' } });
      this.invalidMessage(frame, `a message whose method is ${describeValue(method)} was ignored`);
    } else if (id === undefined) {
      this.onNotification(frame as { method: string; params?: unknown });
    } else if (isRequestId(id)) {
      this.onServerRequest(id, method, frame['params']);
    } else {
      this.invalidMessage(frame, `a ${method} request whose id is ${describeValue(id)} cannot be answered; it was ignored`);
    }
  }

  /**
   * The parsed frame itself is passed on (it is `{ method, params }` already): no copy per
   * notification, and a turn's replay buffer holds one object per event, not two.
   */
  private onNotification(frame: { method: string; params?: unknown }): void {
    const { method, params } = frame;
    const check = NOTIFICATION_CODECS.get(method);
    if (check === undefined) {
      if (!this.untypedMethodsSeen.has(method)) {
        // Once per method: a newer server may send thousands of them, and each is on untypedNotifications$.
        this.untypedMethodsSeen.add(method);
        this.diagnosticsSubject.next({ kind: 'untyped-notification', method, message: `${method}: a notification the generated protocol does not know` });
      }
      this.untypedSubject.next(frame as UntypedNotification);
      return;
    }
    const decodeError = this.decodeFailure('notification', method, check.codec, params, check.is);
    if (method === 'serverRequest/resolved' && isRecord(params) && isRequestId(params['requestId'])) {
      this.closeServerRequest(params['requestId']);
    }
    // Lenient by default: the notification still reaches its subscribers as it was sent.
    if (decodeError !== undefined && this.config.strictDecoding) {
      this.notificationsSubject.next({ method, params, decodeError } as unknown as ServerNotification);
      return;
    }
    this.notificationsSubject.next(frame as ServerNotification);
  }

  private onResponse(frame: Record<string, unknown>): void {
    const id = frame['id'];
    const request = isRequestId(id) ? this.onWire.get(id) : undefined;
    if (request === undefined) {
      this.diagnosticsSubject.next({
        kind: 'unexpected-response',
        id: isRequestId(id) ? id : null,
        message: `a response to ${id === null || id === undefined ? 'no id' : isRequestId(id) ? `unknown id ${String(id)}` : `an id that is ${describeValue(id)}`} was ignored`,
      });
      return;
    }
    const error = frame['error'];
    // `"error": null` beside a result is read as success; anything else in `error` is a failure.
    const failed = error !== undefined && !(error === null && 'result' in frame);
    if (failed) {
      if (!isErrorObject(error)) {
        const decodeError = new DecodeError('response', request.method, frame, ['error: expected a JSON-RPC error object { code, message }']);
        this.diagnosticsSubject.next({ kind: 'decode-error', error: decodeError });
        this.fail(request, decodeError);
      } else if (error.code === SERVER_BUSY && request.overloadRetries < this.config.maxOverloadRetries) {
        this.retryLater(request);
      } else {
        this.fail(request, serverErrorFrom(error, request.method));
      }
      return;
    }
    const result = frame['result'];
    const checks = request.resultCodec;
    const decodeError = checks === undefined ? undefined : this.decodeFailure('response', request.method, checks.result, result, checks.resultIs);
    if (!this.removePending(request)) return;
    if (decodeError !== undefined && this.config.strictDecoding) request.reject(decodeError);
    else request.resolve(result);
  }

  /** Sends a refused request again after the backoff; it keeps its slot so the burst does not grow meanwhile. */
  private retryLater(request: OutgoingRequest): void {
    if (request.id !== undefined) this.onWire.delete(request.id);
    request.id = undefined;
    request.overloadRetries += 1;
    request.probe?.retried();
    request.retryTimer = setTimeout(() => {
      request.retryTimer = undefined;
      this.transmit(request);
    }, overloadDelayMs(request.overloadRetries, OVERLOAD_BACKOFF));
  }

  private onServerRequest(id: RequestId, method: string, params: unknown): void {
    this.requestObserver?.serverRequest?.(id, method, params);
    const codecs = SERVER_REQUEST_CODECS.get(method);
    if (codecs === undefined) {
      this.reply(id, { error: { code: -32601, message: `the client does not implement ${method}` } });
      return;
    }
    if (this.openServerRequests.has(id)) {
      this.invalidMessage({ id, method, params }, `a ${method} request reused the id ${String(id)} of one still open; it was ignored`);
      return;
    }
    const decodeError = this.decodeFailure('server request', method, codecs.params, params);
    if (decodeError !== undefined && this.config.strictDecoding) {
      this.reply(id, { error: { code: -32602, message: `the client could not decode the params of ${method}` } });
      return;
    }
    const handler = this.handlers.get(method);
    const seen = handler !== undefined || this.serverRequestsSubject.observed || this.pendingServerRequestsSubject.observed;
    if (!seen) {
      this.reply(id, defaultServerRequestAnswer(method as ServerRequestMethod));
      return;
    }
    const request = this.openServerRequest(id, method as ServerRequestMethod, params);
    if (handler !== undefined) {
      try {
        const answer: Answer<unknown> = handler(params as never, { id, method: method as ServerRequestMethod });
        (request.respond as (answer: Answer<unknown>) => void)(answer);
      } catch (error) {
        request.reject(asError(error).message);
      }
    }
    this.serverRequestsSubject.next(request);
  }

  /**
   * Creates the request object that subscribers answer and lists it as pending. It is claimed
   * (`answered`) on the first `respond`/`reject`/`decline`, and closed once its answer is written
   * or the server reports it resolved; a timeout writes the fail-safe answer meanwhile.
   */
  private openServerRequest(id: RequestId, method: ServerRequestMethod, params: unknown): IncomingServerRequest {
    let answered = false;
    const claim = (): boolean => {
      if (answered || !this.openServerRequests.has(id)) return false;
      answered = true;
      this.publishPendingServerRequests();
      return true;
    };
    const request = {
      id,
      method,
      params,
      get answered() {
        return answered;
      },
      respond: (answer: Answer<unknown>) => {
        if (claim()) this.replyLater(id, method, answer);
      },
      reject: (message: string, code = -32603) => {
        if (claim()) this.replyToServerRequest(id, { error: { code, message } });
      },
      decline: () => {
        if (claim()) this.replyToServerRequest(id, failSafeServerRequestAnswer(method));
      },
    } as IncomingServerRequest;
    const timeoutMs = this.config.serverRequestTimeoutMs;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            this.replyToServerRequest(id, failSafeServerRequestAnswer(method));
            this.diagnosticsSubject.next({
              kind: 'server-request-timeout',
              id,
              method,
              message: `${method} was not answered within ${timeoutMs} ms; it got the fail-safe answer`,
            });
          }, timeoutMs)
        : undefined;
    this.openServerRequests.set(id, { request, timer, markAnswered: () => (answered = true) });
    this.publishPendingServerRequests();
    return request;
  }

  /** Writes the answer of an open server request, once: later answers and the timeout are dropped. */
  private replyToServerRequest(id: RequestId, reply: Reply): void {
    if (this.closeServerRequest(id)) this.reply(id, reply);
  }

  /** Forgets an open server request; false when it was closed already. */
  private closeServerRequest(id: RequestId): boolean {
    const open = this.openServerRequests.get(id);
    if (open === undefined) return false;
    this.openServerRequests.delete(id);
    open.markAnswered();
    if (open.timer !== undefined) clearTimeout(open.timer);
    this.publishPendingServerRequests();
    return true;
  }

  private publishPendingServerRequests(): void {
    const waiting: IncomingServerRequest[] = [];
    for (const { request } of this.openServerRequests.values()) if (!request.answered) waiting.push(request);
    const current = this.pendingServerRequestsSubject.getValue();
    if (waiting.length === current.length && waiting.every((request, i) => request === current[i])) return;
    this.pendingServerRequestsSubject.next(waiting);
  }

  private replyLater(id: RequestId, method: string, answer: Answer<unknown>): void {
    const source = isObservable(answer) || isPromiseLike(answer) || isIterableAnswer(answer) ? from(answer as never) : undefined;
    if (source === undefined) {
      this.replyToServerRequest(id, { result: answer });
      return;
    }
    let settled = false;
    source.pipe(take(1)).subscribe({
      next: (result) => {
        settled = true;
        this.replyToServerRequest(id, { result });
      },
      error: (error: unknown) => {
        settled = true;
        this.replyToServerRequest(id, { error: { code: -32603, message: asError(error).message } });
      },
      complete: () => {
        if (!settled) this.replyToServerRequest(id, { error: { code: -32603, message: `the client's answer to ${method} completed without a value` } });
      },
    });
  }

  private reply(id: RequestId, reply: Reply): void {
    if (this.stateValue === 'closed') return;
    this.requestObserver?.answered?.(id);
    try {
      this.transport.send({ id, ...reply } as JsonRpcMessage);
    } catch {
      // The transport is going away; its closing fails everything pending, nothing to add.
    }
  }

  /** The one decode check of everything the server sends: `is` first, the full decode only for a report. */
  private decodeFailure(
    kind: string,
    method: string,
    codec: t.Decoder<unknown, unknown>,
    value: unknown,
    is: (value: unknown) => boolean = (u) => (codec as t.Any).is(u),
  ): DecodeError | undefined {
    const validate = kind === 'response' ? this.config.validateResults : this.config.validateServerMessages;
    if (!validate) return undefined;
    let error: DecodeError | undefined;
    try {
      // `is` answers the same as a successful `decode` for these codecs (plain io-ts combinators, no
      // refinements or transformations) without building contexts and Eithers for every member, and
      // a value that passes it is delivered as-is either way. Only what `is` rejects is decoded, for
      // the io-ts report (or found valid after all: `is` is the stricter of the two on absent keys
      // that a codec would accept as `undefined`). The hot notifications' `is` is compiled to plain
      // predicates with the same verdicts (generated/validators.ts).
      if (is(value)) return undefined;
      const decoded = codec.decode(value);
      if (decoded._tag === 'Right') return undefined;
      error = new DecodeError(kind, method, value, validationReport(decoded.left));
    } catch (thrown) {
      // A value nested deeper than the checker's stack can follow.
      error = new DecodeError(kind, method, value, [`(root): could not be checked (${asError(thrown).message})`]);
    }
    this.diagnosticsSubject.next({ kind: 'decode-error', error });
    return error;
  }

  private invalidMessage(frame: unknown, message: string): void {
    this.diagnosticsSubject.next({ kind: 'invalid-message', frame, message });
  }

  /**
   * Fails what is pending with `error`. The notification stream errors when the transport failed
   * and completes when the client closed it: a deliberate close is not an error to subscribers,
   * while the turns still running are failed by their router all the same.
   */
  private shutDown(error: Error, closedByClient: boolean): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    this.closeError = error;
    for (const request of [...this.outgoing]) this.fail(request, error);
    for (const id of [...this.openServerRequests.keys()]) this.closeServerRequest(id);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    if (closedByClient) this.notificationsSubject.complete();
    else this.notificationsSubject.error(error);
    this.untypedSubject.complete();
    this.serverRequestsSubject.complete();
    this.pendingServerRequestsSubject.complete();
    this.diagnosticsSubject.complete();
  }

  private stateError(message: string): Error {
    if (this.stateValue === 'closed' && this.closeError instanceof TransportClosedError) return this.closeError;
    return new ConnectionStateError(message, this.stateValue);
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(describeValue(value));
}

function abortError(method: string): Error {
  return new DOMException(`${method}: aborted`, 'AbortError');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function isErrorObject(value: unknown): value is JsonRpcErrorObject {
  return isRecord(value) && typeof value['code'] === 'number' && typeof value['message'] === 'string';
}

/** Names the kind of a value without converting it (an object's own `toString` may be anything). */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  return typeof value === 'undefined' ? 'missing' : `a ${typeof value}`;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Async iterables count as deferred answers; plain arrays and strings are results. */
function isIterableAnswer(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
