import { isLeft } from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { Observable, Subject, from, isObservable, take, type Subscription } from 'rxjs';
import { ConnectionStateError } from '../errors/connection-state-error.js';
import { DecodeError } from '../errors/decode-error.js';
import { InvalidParamsError, MethodNotFoundError, jsonRpcErrorFrom } from '../jsonrpc/json-rpc-error.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import { TransportClosedError } from '../errors/transport-closed-error.js';
import type { ClientRequestMethod, ParamsArgument, ResultOf } from '../protocol/client-request.js';
import type { InitializeParams, InitializeResponse } from '../protocol/generated/codecs.js';
import {
  clientRequestCodecs,
  serverNotificationCodecs,
  serverRequestCodecs,
} from '../protocol/generated/methods.js';
import type { ServerNotification } from '../protocol/server-notification.js';
import type { UntypedNotification } from '../protocol/untyped-notification.js';
import { validationReport } from '../protocol/validation-report.js';
import type {
  JsonRpcFailure,
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcSuccess,
  RequestId,
} from '../jsonrpc/json-rpc-message.js';
import type { Transport } from '../transport/transport.js';
import type { TransportDiagnostic } from '../transport/transport-diagnostic.js';
import { withDefaults } from '../internal/with-defaults.js';
import { defaultServerRequestAnswer } from './default-server-request-answers.js';
import type { RpcConnectionConfig } from './rpc-connection-config.js';
import { DEFAULT_RPC_CONNECTION_CONFIG } from './rpc-connection-config.js';
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
 * codex.diagnostics$.subscribe((diagnostic: ConnectionDiagnostic) => {
 *   console.warn(diagnostic.kind, diagnostic.kind === 'decode-error' ? diagnostic.error.message : diagnostic.message);
 * });
 */
export type ConnectionDiagnostic =
  | TransportDiagnostic
  | { readonly kind: 'decode-error'; readonly error: DecodeError }
  | { readonly kind: 'unexpected-response'; readonly id: RequestId | null; readonly message: string };

/**
 * Per-call options of `request`.
 *
 * @example
 * const page = await codex.threadList({ limit: 20 }, { timeoutMs: 5_000, signal: AbortSignal.timeout(10_000) });
 */
export interface RequestOptions {
  /** Cancels the request: the Promise rejects with an `AbortError` and a late answer is ignored. */
  readonly signal?: AbortSignal;
  /** Overrides the connection's request timeout for this call; 0 waits forever. */
  readonly timeoutMs?: number;
}

interface PendingRequest {
  readonly method: string;
  readonly resultCodec: t.Decoder<unknown, unknown> | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: ReturnType<typeof setTimeout> | undefined;
  readonly cleanup: () => void;
}

// Looked up once per frame: a Map keyed by method, never a scan over codecs.
const NOTIFICATION_CODECS: ReadonlyMap<string, t.Decoder<unknown, unknown>> = new Map(Object.entries(serverNotificationCodecs));
const REQUEST_CODECS: ReadonlyMap<string, { params: t.Decoder<unknown, unknown>; result: t.Decoder<unknown, unknown> }> =
  new Map(Object.entries(clientRequestCodecs));
const SERVER_REQUEST_CODECS: ReadonlyMap<string, { params: t.Decoder<unknown, unknown> }> = new Map(
  Object.entries(serverRequestCodecs),
);

/**
 * A JSON-RPC connection to one app-server over a `Transport`: correlates responses to requests
 * by id, decodes notifications by method, answers server requests, and fails everything pending
 * with a typed error when the transport goes away.
 *
 * @example
 * const connection = new RpcConnection(new StdioTransport());
 * await connection.initialize({ clientInfo: { name: 'app', version: '1.0.0' } });
 * const { thread } = await connection.request('thread/start', {});
 */
export class RpcConnection {
  private stateValue: ConnectionState = 'new';
  private nextId = 1;
  private readonly pending = new Map<RequestId, PendingRequest>();
  private readonly notificationsSubject = new Subject<ServerNotification>();
  private readonly untypedSubject = new Subject<UntypedNotification>();
  private readonly serverRequestsSubject = new Subject<IncomingServerRequest>();
  private readonly diagnosticsSubject = new Subject<ConnectionDiagnostic>();
  private readonly handlers = new Map<string, ServerRequestHandler<ServerRequestMethod>>();
  private readonly config: Required<Omit<RpcConnectionConfig, 'serverRequestHandlers'>>;
  private readonly subscriptions: Subscription[] = [];
  private closeError: Error | undefined;
  private closing: Promise<void> | undefined;

  /** Every notification whose method the protocol knows, decoded, in arrival order. Hot. */
  readonly notifications$: Observable<ServerNotification> = this.notificationsSubject.asObservable();
  /** Notifications of methods the pinned protocol does not know. Hot. */
  readonly untypedNotifications$: Observable<UntypedNotification> = this.untypedSubject.asObservable();
  /** Requests from the server (approvals …) for a UI to answer. Hot. */
  readonly serverRequests$: Observable<IncomingServerRequest> = this.serverRequestsSubject.asObservable();
  /** Garbage lines, codec failures, answers to unknown ids: reported here, never thrown. Hot. */
  readonly diagnostics$: Observable<ConnectionDiagnostic> = this.diagnosticsSubject.asObservable();

  constructor(
    private readonly transport: Transport,
    config: RpcConnectionConfig = {},
  ) {
    const { serverRequestHandlers, ...rest } = config;
    this.config = withDefaults(DEFAULT_RPC_CONNECTION_CONFIG, rest);
    for (const [method, handler] of Object.entries(serverRequestHandlers ?? {})) {
      if (handler !== undefined) this.handlers.set(method, handler as ServerRequestHandler<ServerRequestMethod>);
    }
    this.subscriptions.push(
      transport.frames$.subscribe({
        next: (frame) => this.onFrame(frame),
        error: (error: unknown) => this.shutDown(asError(error), false),
        complete: () => this.shutDown(new TransportClosedError('connection closed by the client'), true),
      }),
      transport.diagnostics$.subscribe((diagnostic) => this.diagnosticsSubject.next(diagnostic)),
    );
  }

  get state(): ConnectionState {
    return this.stateValue;
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
   * method's codec before anything is written.
   */
  request<M extends ClientRequestMethod>(method: M, ...args: [...ParamsArgument<M>, RequestOptions?]): Promise<ResultOf<M>> {
    const [params, options] = args as unknown as [unknown, RequestOptions | undefined];
    if (this.stateValue !== 'ready') return Promise.reject(this.stateError(`${method}: the connection is ${this.stateValue}`));
    return this.send(method, params, options ?? {}) as Promise<ResultOf<M>>;
  }

  /**
   * The cold Observable form of `request`: sends on subscribe, emits the result once and
   * completes; unsubscribing before the answer abandons the request (a late answer is ignored).
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

  /** Sends a notification to the server. */
  notify(method: string, params?: unknown): void {
    if (this.stateValue === 'closed') throw this.stateError(`${method}: the connection is closed`);
    this.transport.send(params === undefined ? { method } : { method, params });
  }

  /** Registers (or, with `undefined`, removes) the handler of one server request method. */
  setServerRequestHandler<M extends ServerRequestMethod>(method: M, handler: ServerRequestHandler<M> | undefined): void {
    if (handler === undefined) this.handlers.delete(method);
    else this.handlers.set(method, handler as unknown as ServerRequestHandler<ServerRequestMethod>);
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

  private send(method: string, params: unknown, options: RequestOptions): Promise<unknown> {
    const codecs = REQUEST_CODECS.get(method);
    if (codecs === undefined) {
      return Promise.reject(new MethodNotFoundError(-32601, 'not a method of the app-server protocol; nothing was sent', undefined, method));
    }
    if (this.config.validateParams) {
      const checked = codecs.params.decode(params);
      if (isLeft(checked)) {
        const report = validationReport(checked.left);
        return Promise.reject(
          new InvalidParamsError(-32602, `invalid params, nothing was sent: ${report.join('; ')}`, { report }, method),
        );
      }
    }
    if (options.signal?.aborted) return Promise.reject(abortError(method));
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.config.requestTimeoutMs;
      const timer =
        timeoutMs > 0 ? setTimeout(() => this.settle(id)?.reject(new RequestTimeoutError(method, timeoutMs)), timeoutMs) : undefined;
      const onAbort = () => this.settle(id)?.reject(abortError(method));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        method,
        resultCodec: this.config.validateResults ? codecs.result : undefined,
        resolve,
        reject,
        timer,
        cleanup: () => options.signal?.removeEventListener('abort', onAbort),
      });
      try {
        this.transport.send(params === undefined ? { id, method } : { id, method, params });
      } catch (error) {
        this.settle(id)?.reject(error);
      }
    });
  }

  /** Removes a pending request and releases its timer and abort listener. */
  private settle(id: RequestId): PendingRequest | undefined {
    const pending = this.pending.get(id);
    if (pending === undefined) return undefined;
    this.pending.delete(id);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    pending.cleanup();
    return pending;
  }

  private onFrame(frame: JsonRpcMessage): void {
    const method = (frame as { method?: unknown }).method;
    if (typeof method === 'string') {
      if ((frame as { id?: unknown }).id !== undefined) this.onServerRequest(frame as JsonRpcRequest);
      else this.onNotification(frame as JsonRpcNotification);
    } else {
      this.onResponse(frame as JsonRpcSuccess | JsonRpcFailure);
    }
  }

  /**
   * The parsed frame itself is passed on (it is `{ method, params }` already): no copy per
   * notification, and a turn's replay buffer holds one object per event, not two.
   */
  private onNotification(frame: JsonRpcNotification): void {
    const { method, params } = frame;
    const codec = NOTIFICATION_CODECS.get(method);
    if (codec === undefined) {
      this.untypedSubject.next(frame as UntypedNotification);
      return;
    }
    // `is` answers the same as a successful `decode` for these codecs (plain io-ts combinators, no
    // refinements or transformations) without building contexts and Eithers for every member, and
    // a notification that passes it is delivered as-is either way. Only what `is` rejects is
    // decoded, for the io-ts report (or found valid after all: `is` is the stricter of the two on
    // absent keys that a codec would accept as `undefined`).
    if (this.config.validateNotifications && !(codec as t.Any).is(params)) {
      const decoded = codec.decode(params);
      if (isLeft(decoded)) {
        const error = new DecodeError('notification', method, params, validationReport(decoded.left));
        this.diagnosticsSubject.next({ kind: 'decode-error', error });
        // Lenient by default: the notification still reaches its subscribers as it was sent.
        if (this.config.strictDecoding) {
          this.notificationsSubject.next({ method, params, decodeError: error } as unknown as ServerNotification);
          return;
        }
      }
    }
    this.notificationsSubject.next(frame as ServerNotification);
  }

  private onResponse(frame: JsonRpcSuccess | JsonRpcFailure): void {
    const id = frame.id;
    const pending = id === null ? undefined : this.settle(id);
    if (pending === undefined) {
      this.diagnosticsSubject.next({
        kind: 'unexpected-response',
        id,
        message: `a response to ${id === null ? 'no id' : `unknown id ${String(id)}`} was ignored`,
      });
      return;
    }
    if ('error' in frame && frame.error !== undefined) {
      pending.reject(jsonRpcErrorFrom(frame.error, pending.method));
      return;
    }
    const result = (frame as JsonRpcSuccess).result;
    // The same fast acceptance as for notifications: decode only what `is` rejects.
    if (pending.resultCodec !== undefined && !(pending.resultCodec as t.Any).is(result)) {
      const decoded = pending.resultCodec.decode(result);
      if (isLeft(decoded)) {
        const error = new DecodeError('response', pending.method, result, validationReport(decoded.left));
        this.diagnosticsSubject.next({ kind: 'decode-error', error });
        if (this.config.strictDecoding) {
          pending.reject(error);
          return;
        }
      }
    }
    pending.resolve(result);
  }

  private onServerRequest(frame: JsonRpcRequest): void {
    const { id, method } = frame;
    const codecs = SERVER_REQUEST_CODECS.get(method);
    if (codecs === undefined) {
      this.answer(id, { error: { code: -32601, message: `the client does not implement ${method}` } });
      return;
    }
    if (this.config.validateNotifications) {
      const decoded = codecs.params.decode(frame.params);
      if (isLeft(decoded)) {
        const error = new DecodeError('server request', method, frame.params, validationReport(decoded.left));
        this.diagnosticsSubject.next({ kind: 'decode-error', error });
      }
    }
    let answered = false;
    const respondWith = (answer: Answer<unknown>) => {
      if (answered) return;
      answered = true;
      this.answerLater(id, method, answer);
    };
    const request = {
      id,
      method,
      params: frame.params,
      get answered() {
        return answered;
      },
      respond: respondWith,
      reject: (message: string, code = -32603) => {
        if (answered) return;
        answered = true;
        this.answer(id, { error: { code, message } });
      },
    } as IncomingServerRequest;

    const handler = this.handlers.get(method);
    if (handler !== undefined) {
      try {
        respondWith(handler(frame.params as never, { id, method: method as ServerRequestMethod }));
      } catch (error) {
        request.reject(asError(error).message);
      }
    }
    this.serverRequestsSubject.next(request);
    if (!answered) {
      answered = true;
      this.answer(id, defaultServerRequestAnswer(method as ServerRequestMethod));
    }
  }

  private answerLater(id: RequestId, method: string, answer: Answer<unknown>): void {
    const source = isObservable(answer) || isPromiseLike(answer) || isIterableAnswer(answer) ? from(answer as never) : undefined;
    if (source === undefined) {
      this.answer(id, { result: answer });
      return;
    }
    let settled = false;
    source.pipe(take(1)).subscribe({
      next: (result) => {
        settled = true;
        this.answer(id, { result });
      },
      error: (error: unknown) => {
        settled = true;
        this.answer(id, { error: { code: -32603, message: asError(error).message } });
      },
      complete: () => {
        if (!settled) this.answer(id, { error: { code: -32603, message: `the client's answer to ${method} completed without a value` } });
      },
    });
  }

  private answer(id: RequestId, answer: { result: unknown } | { error: { code: number; message: string } }): void {
    if (this.stateValue === 'closed') return;
    try {
      this.transport.send({ id, ...answer } as JsonRpcMessage);
    } catch {
      // The transport is going away; its closing fails everything pending, nothing to add.
    }
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
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(error);
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    if (closedByClient) this.notificationsSubject.complete();
    else this.notificationsSubject.error(error);
    this.untypedSubject.complete();
    this.serverRequestsSubject.complete();
    this.diagnosticsSubject.complete();
  }

  private stateError(message: string): Error {
    if (this.stateValue === 'closed' && this.closeError instanceof TransportClosedError) return this.closeError;
    return new ConnectionStateError(message, this.stateValue);
  }
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

function abortError(method: string): Error {
  return new DOMException(`${method}: aborted`, 'AbortError');
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Async iterables count as deferred answers; plain arrays and strings are results. */
function isIterableAnswer(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
