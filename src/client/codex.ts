import { BehaviorSubject, concat, defer, from, merge, Observable, of, switchMap } from 'rxjs';
import { ConnectionStateError } from '../errors/connection-state-error.js';
import type {
  GetAccountResponse,
  LogoutAccountResponse,
  ModelListResponse,
  ThreadArchiveResponse,
  ThreadForkParams,
  ThreadListParams,
  ThreadListResponse,
  ThreadResumeParams,
  ThreadSearchParams,
  ThreadStartParams,
  InitializeParams,
} from '../protocol/generated/codecs.js';
import type { ConnectionStatus } from '../transport/connection-status.js';
import { ReconnectingTransport } from '../transport/reconnecting-transport.js';
import type { ReconnectDiagnostic } from '../transport/reconnect-diagnostic.js';
import { TurnReconciler } from '../turns/turn-reconciler.js';
import type { RequestId } from '../jsonrpc/json-rpc-message.js';
import type { ThreadSearchEvent } from './thread-search-event.js';
import type { ClientRequestMethod, ParamsArgument, ResultOf } from '../protocol/client-request.js';
import type { ServerNotification } from '../protocol/server-notification.js';
import type { UntypedNotification } from '../protocol/untyped-notification.js';
import { DirectObservable } from '../internal/direct-observable.js';
import { HotStream } from '../internal/hot-stream.js';
import { pickDefined } from '../internal/pick-defined.js';
import { TurnQueue } from '../turns/turn-queue.js';
import { TurnRouter } from '../turns/turn-router.js';
import type { Transport } from '../transport/transport.js';
import { approvalParams, ApprovalMode } from './approval-mode.js';
import type { CodexDiagnostic } from './codex-diagnostic.js';
import type { CodexConfig } from './codex-config.js';
import type { DefaultTransport } from './default-transport.js';
import { ChatgptLoginHandle, DeviceCodeLoginHandle } from './login-handle.js';
import { RpcConnection, type ConnectionDiagnostic, type RequestOptions } from '../connection/rpc-connection.js';
import { sandboxMode, type Sandbox } from './sandbox.js';
import type { IncomingServerRequest, ServerRequestHandler, ServerRequestMethod } from '../connection/server-request.js';
import { serverMetadata, type ServerMetadata } from './server-metadata.js';
import { ServerVersionMismatchError, versionMismatchMessage } from './server-version-mismatch-error.js';
import { SessionReconnector } from './session-reconnector.js';
import { Thread } from './thread.js';
import type { TurnRuntime } from './turn-runtime.js';
import { DEFAULT_TURN_STALL_TIMEOUT_MS } from './codex-config.js';
import { DEFAULT_RPC_CONNECTION_CONFIG } from '../connection/rpc-connection-config.js';
import { ToolCallAnswerer } from './tool-call-answerer.js';
import { DEFAULT_TOOL_CALL_CONFIG } from './tool-call-config.js';
import { dynamicToolSpecs, type ToolSet } from './tool-set.js';
import { loadTelemetry } from '../telemetry/load-telemetry.js';
import type { CodexTelemetry } from '../telemetry/codex-telemetry.js';

/**
 * Options shared by `threadStart`, `threadResume` and `threadFork`.
 *
 * @example
 * const thread = await codex.threadResume(threadId, { model: 'gpt-5.4', sandbox: Sandbox.readOnly, approvalMode: ApprovalMode.denyAll });
 */
export interface ThreadOptions extends RequestOptions {
  /** Who decides on approvals. `threadStart` defaults to `autoReview`; resume and fork keep the stored setting unless given. */
  readonly approvalMode?: ApprovalMode;
  readonly sandbox?: Sandbox;
  readonly model?: string;
  readonly modelProvider?: string;
  readonly cwd?: string;
  readonly baseInstructions?: string;
  readonly developerInstructions?: string;
  /** Config overrides for this thread (dotted keys to values). */
  readonly config?: Record<string, unknown>;
  readonly personality?: ThreadStartParams['personality'];
  /**
   * Client-side tools (`tool()`), answered by this client. `threadStart` registers them with the
   * server (they stay with the thread, and its forks, for good); `threadResume` and `threadFork`
   * attach this client's handlers to the tools the thread was started with.
   */
  readonly tools?: ToolSet;
}

/**
 * Options of `threadStart`.
 *
 * @example
 * const thread = await codex.threadStart({
 *   ephemeral: true,
 *   cwd: '/srv/project',
 *   developerInstructions: 'Answer in French.',
 *   sandbox: Sandbox.workspaceWrite,
 * });
 */
export interface ThreadStartOptions extends ThreadOptions {
  /** Keep the thread in memory only. */
  readonly ephemeral?: boolean;
  /** Any other `thread/start` params, sent as given (checked with the protocol codec). */
  readonly params?: Partial<ThreadStartParams>;
}

const CLIENT_INFO = { name: 'codex_rx', title: 'codex-rx', version: '0.1.0' } as const;

interface Session {
  readonly connection: RpcConnection;
  readonly router: TurnRouter;
  readonly turns: TurnRuntime;
  readonly metadata: ServerMetadata;
  /** With `reconnect`: keeps turns exactly-once across drops. */
  readonly reconciler: TurnReconciler | undefined;
  /** With `reconnect`: drops, reconnections, resumed threads and reconciled turns. */
  readonly reconnectDiagnostics$: Observable<ReconnectDiagnostic>;
  /** Answers `item/tool/call` with the threads' tools. */
  readonly tools: ToolCallAnswerer;
  /** With `telemetry`: what watches the connection and its turns. */
  readonly telemetry: CodexTelemetry | undefined;
}

/**
 * A client of one Codex app-server. `Codex.connect()` starts the server and initializes at once;
 * `new Codex()` does so on first use (once, however many calls race to be first). Close it with
 * `await codex.close()` or `await using`.
 *
 * @example
 * await using codex = await Codex.connect();
 * const thread = await codex.threadStart({ model: 'gpt-5.4', sandbox: Sandbox.workspaceWrite });
 * const result = await thread.run('Say hello');
 * console.log(result.finalResponse);
 */
export class Codex implements AsyncDisposable {
  /**
   * Opens the transport when the config gives no factory: set by the entry point, so that only
   * the Node entry pulls in process and socket code (it launches the pinned binary or connects to
   * `transport.url`), and the browser entry opens a standard WebSocket.
   */
  static defaultTransport: DefaultTransport | undefined;

  private starting: Promise<Session> | undefined;
  private session: Session | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly status = new BehaviorSubject<ConnectionStatus>({ state: 'connecting' });
  /** With `reconnect`: what happens after a drop (resumes, reconciliation, re-reads). */
  private readonly reconnector = new SessionReconnector(
    () => this.initializeParams(),
    () => this.session,
  );

  /** Every notification of the connection, decoded. Hot; subscribing starts a lazy client. */
  readonly notifications$: Observable<ServerNotification> = this.fromSession((s) => s.connection.notifications$);
  /** Notifications whose method the pinned protocol does not know. Hot. */
  readonly untypedNotifications$: Observable<UntypedNotification> = this.fromSession((s) => s.connection.untypedNotifications$);
  /** Requests from the server (approvals, questions …), for a UI to answer with `respond`/`reject`. Hot. */
  readonly serverRequests$: Observable<IncomingServerRequest> = this.fromSession((s) => s.connection.serverRequests$);
  /** The server requests waiting for the app's answer, oldest first (see `RpcConnection.pendingServerRequests$`). */
  readonly pendingServerRequests$: Observable<readonly IncomingServerRequest[]> = this.fromSession((s) => s.connection.pendingServerRequests$);
  /**
   * Garbage from the server, decode failures, stray responses, the first notification of each
   * unknown method, turns dropped unclaimed. Hot; when the server's version differs from the
   * protocol's, every subscriber first gets that `version-mismatch` diagnostic.
   */
  readonly diagnostics$: Observable<CodexDiagnostic> = this.fromSession((s) => {
    const live$ = merge(s.connection.diagnostics$, s.router.diagnostics$, s.reconnectDiagnostics$, s.tools.diagnostics$);
    return s.metadata.versionMismatch ? concat(of(versionMismatchDiagnostic(s.metadata)), live$) : live$;
  });

  /**
   * Where the connection is: `connecting`, `ready`, `reconnecting` (attempt and delay, with the
   * `reconnect` option) and finally `closed` with the reason. The current state on subscribe, then
   * each change; completes once closed. Subscribing does not start a lazy client.
   *
   * @example
   * codex.connectionState$.subscribe({
   *   next: (status) => console.log(status.state === 'reconnecting' ? `reconnecting (attempt ${status.attempt})…` : status.state),
   *   error: console.error,
   * });
   */
  readonly connectionState$: Observable<ConnectionStatus> = this.status.asObservable();

  constructor(private readonly config: CodexConfig = {}) {}

  /** Starts the server (or connects to it) and initializes. Fails cleanly, leaving no process, when initialize fails. */
  static async connect(config: CodexConfig = {}): Promise<Codex> {
    const codex = new Codex(config);
    await codex.ready();
    return codex;
  }

  /** Who answered `initialize`. Throws until the client is initialized (`await codex.ready()`). */
  get metadata(): ServerMetadata {
    if (this.session === undefined) throw new ConnectionStateError('metadata: the client is not initialized yet; await codex.ready() first', this.closed ? 'closed' : 'new');
    return this.session.metadata;
  }

  /**
   * How many turns the client is holding events for: running turns, and finished ones kept for a
   * `turn/start` still waiting for its answer. Zero when idle; a number that only grows is a leak.
   */
  get trackedTurns(): number {
    return this.session?.router.size ?? 0;
  }

  /** Initializes if that has not happened yet; resolves with the server's metadata. */
  async ready(): Promise<ServerMetadata> {
    return (await this.start()).metadata;
  }

  /** Calls any protocol method, typed by the generated protocol. */
  async request<M extends ClientRequestMethod>(method: M, ...args: [...ParamsArgument<M>, RequestOptions?]): Promise<ResultOf<M>> {
    const { connection } = await this.start();
    return connection.request(method, ...args);
  }

  /**
   * Calls any method with any params and resolves with the raw result, unchecked: for methods the
   * generated protocol does not know, so a newer server is usable before regenerating.
   *
   * @example
   * const { data } = (await codex.requestUntyped('thread/realtime/list', { threadId: thread.id })) as { data: unknown[] };
   */
  async requestUntyped(method: string, params?: unknown, options: RequestOptions = {}): Promise<unknown> {
    const { connection } = await this.start();
    return connection.requestUntyped(method, params, options);
  }

  /** The cold Observable form of `request`: sends on subscribe (so `retryOnOverload` can resend). */
  request$<M extends ClientRequestMethod>(method: M, ...args: [...ParamsArgument<M>, RequestOptions?]): Observable<ResultOf<M>> {
    return this.fromSession(({ connection }) => connection.request$(method, ...args));
  }

  /** Registers (or removes) the handler of one kind of server request; resolves with a function that removes it again. */
  async setServerRequestHandler<M extends ServerRequestMethod>(method: M, handler: ServerRequestHandler<M> | undefined): Promise<() => void> {
    const session = await this.start();
    // Tool calls go to the thread's tools first; a handler answers the calls they do not take.
    if (method === 'item/tool/call') return session.tools.setFallback(handler as ServerRequestHandler<'item/tool/call'> | undefined);
    return session.connection.setServerRequestHandler(method, handler);
  }

  /** Starts a thread. Approvals default to `ApprovalMode.autoReview`. */
  async threadStart(options: ThreadStartOptions = {}): Promise<Thread> {
    const method = 'thread/start';
    const params: ThreadStartParams = { ...options.params, ...threadParams(options, method, ApprovalMode.autoReview) };
    if (options.ephemeral !== undefined) params.ephemeral = options.ephemeral;
    if (options.tools !== undefined && options.tools.length > 0) params.dynamicTools = dynamicToolSpecs(options.tools);
    const { thread } = await this.request(method, params, requestOptions(options));
    if (thread.ephemeral && this.reconnects) this.reconnector.noteEphemeral(thread.id);
    if (options.tools !== undefined) await this.attachTools(thread.id, options.tools);
    return this.thread(thread.id);
  }

  /** Resumes a stored thread; its approval and sandbox settings stay unless given. */
  async threadResume(threadId: string, options: ThreadOptions & { readonly params?: Partial<ThreadResumeParams> } = {}): Promise<Thread> {
    const method = 'thread/resume';
    const params: ThreadResumeParams = { ...options.params, ...threadParams(options, method, undefined), threadId };
    const { thread, initialTurnsPage } = await this.request(method, params, requestOptions(options));
    let turns = [...thread.turns, ...(initialTurnsPage?.data ?? [])];
    // Without its turns (`excludeTurns`), an active thread still has one running: ask for it.
    if (turns.length === 0 && thread.status.type === 'active') {
      turns = (await this.request('thread/turns/list', { threadId: thread.id, limit: 1, itemsView: 'notLoaded' }, requestOptions(options))).data;
    }
    const { router } = await this.start();
    router.noteStoredTurns(thread.id, turns);
    if (options.tools !== undefined) await this.attachTools(thread.id, options.tools);
    return this.thread(thread.id);
  }

  /** Forks a thread into a new one with the same history; its settings stay unless given. */
  async threadFork(threadId: string, options: ThreadOptions & { readonly ephemeral?: boolean; readonly params?: Partial<ThreadForkParams> } = {}): Promise<Thread> {
    const method = 'thread/fork';
    const params: ThreadForkParams = { ...options.params, ...threadParams(options, method, undefined), threadId };
    if (options.ephemeral !== undefined) params.ephemeral = options.ephemeral;
    const { thread } = await this.request(method, params, requestOptions(options));
    if (thread.ephemeral && this.reconnects) this.reconnector.noteEphemeral(thread.id);
    if (options.tools !== undefined) await this.attachTools(thread.id, options.tools);
    return this.thread(thread.id);
  }

  /** Lists stored threads (`archived: true` lists the archived ones). */
  threadList(params: ThreadListParams = {}, options: RequestOptions = {}): Promise<ThreadListResponse> {
    return this.request('thread/list', params, options);
  }

  /** Archives a thread. */
  threadArchive(threadId: string, options: RequestOptions = {}): Promise<ThreadArchiveResponse> {
    return this.request('thread/archive', { threadId }, options);
  }

  /** Brings an archived thread back. */
  async threadUnarchive(threadId: string, options: RequestOptions = {}): Promise<Thread> {
    const { thread } = await this.request('thread/unarchive', { threadId }, options);
    return this.thread(thread.id);
  }

  /**
   * Searches the stored threads, streaming: provisional rows as the server finds them, then the
   * final page, and completes. Cold: subscribing starts the search; unsubscribing before the final
   * page cancels it on the server (`thread/search/stream/cancel`).
   *
   * @example
   * codex.threadSearch$('zebra').subscribe((event) => {
   *   if (event.type === 'partial') console.log('found so far:', event.data.map((row) => row.thread.id));
   *   else console.log('final:', event.result.data.map((row) => `${row.thread.id} ${row.snippet}`));
   * });
   */
  threadSearch$(query: string | ThreadSearchParams, options: RequestOptions = {}): Observable<ThreadSearchEvent> {
    const params: ThreadSearchParams = typeof query === 'string' ? { searchTerm: query } : query;
    return this.fromSession(
      ({ connection }) =>
        new Observable<ThreadSearchEvent>((subscriber) => {
          let requestId: RequestId | undefined;
          let finished = false;
          const partials = connection.notifications$.subscribe((n) => {
            if (n.method === 'thread/search/partial' && n.params.requestId === requestId) subscriber.next({ type: 'partial', data: n.params.data });
          });
          connection.request('thread/search/stream', params, { ...options, onRequestId: (id) => (requestId = id) }).then(
            (result) => {
              finished = true;
              subscriber.next({ type: 'final', result });
              subscriber.complete();
            },
            (error: unknown) => {
              finished = true;
              subscriber.error(error);
            },
          );
          return () => {
            partials.unsubscribe();
            // The search's own answer still comes (an error or a last page) and settles the request quietly.
            if (!finished && requestId !== undefined && connection.state === 'ready') {
              connection.request('thread/search/stream/cancel', { requestId }).catch(() => undefined);
            }
          };
        }),
    );
  }

  /** A handle on a thread by id, without a request (the id is not checked). */
  async thread(threadId: string): Promise<Thread> {
    const { connection, router, turns } = await this.start();
    // Only a reconnection resumes the open threads: without one, a thread left is not kept.
    if (this.reconnects) this.reconnector.track(threadId);
    return new Thread(connection, router, threadId, turns);
  }

  /** The models the server offers. */
  models(options: { readonly includeHidden?: boolean } & RequestOptions = {}): Promise<ModelListResponse> {
    const { includeHidden = false, ...rest } = options;
    return this.request('model/list', { includeHidden }, rest);
  }

  /** Logs in with an OpenAI API key, at once. The key is sent to the server only, never logged. */
  async loginApiKey(apiKey: string, options: RequestOptions = {}): Promise<void> {
    await this.request('account/login/start', { type: 'apiKey', apiKey }, options);
  }

  /** Starts a browser login: open `authUrl`, then `await handle.wait()`. */
  async loginChatgpt(options: RequestOptions = {}): Promise<ChatgptLoginHandle> {
    const { connection } = await this.start();
    const response = await connection.request('account/login/start', { type: 'chatgpt' }, options);
    if (response.type !== 'chatgpt') throw new Error(`account/login/start answered a ${response.type} login to a chatgpt request`);
    return new ChatgptLoginHandle(connection, response.loginId, connection.notifications$, response.authUrl);
  }

  /** Starts a device-code login: show `verificationUrl` and `userCode`, then `await handle.wait()`. */
  async loginChatgptDeviceCode(options: RequestOptions = {}): Promise<DeviceCodeLoginHandle> {
    const { connection } = await this.start();
    const response = await connection.request('account/login/start', { type: 'chatgptDeviceCode' }, options);
    if (response.type !== 'chatgptDeviceCode') {
      throw new Error(`account/login/start answered a ${response.type} login to a chatgptDeviceCode request`);
    }
    return new DeviceCodeLoginHandle(connection, response.loginId, connection.notifications$, response.verificationUrl, response.userCode);
  }

  /** The current account. */
  account(options: { readonly refreshToken?: boolean } & RequestOptions = {}): Promise<GetAccountResponse> {
    const { refreshToken = false, ...rest } = options;
    return this.request('account/read', { refreshToken }, rest);
  }

  /** Logs out. */
  logout(options: RequestOptions = {}): Promise<LogoutAccountResponse> {
    return this.request('account/logout', undefined, options);
  }

  /** Closes the connection and stops a launched server. Idempotent; every call afterwards fails at once. */
  close(): Promise<void> {
    if (this.closing === undefined) {
      this.closed = true;
      const starting = this.starting;
      this.closing = (async () => {
        const session = await starting?.catch(() => undefined);
        if (session === undefined) return;
        // Closing the connection ends the notifications, which fails the running turns with a TransportClosedError.
        await session.connection.close();
        session.router.dispose();
        session.reconciler?.dispose();
        session.tools.dispose();
        session.telemetry?.detach();
        this.reconnector.dispose();
        this.setStatus({ state: 'closed', reason: 'closed by the client' });
      })();
    }
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private start(): Promise<Session> {
    if (this.closed) return Promise.reject(new ConnectionStateError('the Codex client is closed', 'closed'));
    this.starting ??= this.initialize();
    return this.starting;
  }

  private async initialize(): Promise<Session> {
    const option = this.config.telemetry;
    // Not even a tick of the event loop without telemetry.
    const telemetry = option === undefined || option === false ? undefined : await loadTelemetry(option).catch((error: unknown) => {
      this.setStatus({ state: 'closed', reason: errorMessage(error) });
      throw error;
    });
    const reconnecting = !this.reconnects ? undefined : await this.openReconnecting().catch((error: unknown) => {
      this.setStatus({ state: 'closed', reason: errorMessage(error) });
      throw error;
    });
    const transport = reconnecting ?? (await this.openTransport().catch((error: unknown) => {
      this.setStatus({ state: 'closed', reason: errorMessage(error) });
      throw error;
    }));
    const connection = new RpcConnection(transport, this.config);
    const reconciler = reconnecting === undefined ? undefined : new TurnReconciler(connection.notifications$, (threadId, turnId) => this.reconnector.readStoredTurn(threadId, turnId));
    // The reconciler filters repeats per subscriber: the router, the tools and telemetry share one pass through it.
    const routed$ = reconciler === undefined ? connection.notifications$ : HotStream.share(reconciler.notifications$);
    const router = new TurnRouter(routed$, this.config);
    // No `next`: attached directly, frames do not visit it.
    DirectObservable.attach(connection.notifications$, {
      error: (error: unknown) => this.setStatus({ state: 'closed', reason: errorMessage(error) }),
      complete: () => this.setStatus({ state: 'closed', reason: 'closed by the client' }),
    });
    try {
      const response = await connection.initialize(
        this.initializeParams(),
        this.config.initializeTimeoutMs === undefined ? {} : { timeoutMs: this.config.initializeTimeoutMs },
      );
      const metadata = serverMetadata(response);
      if (metadata.versionMismatch && this.config.requireMatchingServerVersion === true) {
        throw new ServerVersionMismatchError(metadata.serverVersion, metadata.protocolVersion);
      }
      const turns: TurnRuntime = {
        queue: new TurnQueue(),
        requestTimeoutMs: this.config.requestTimeoutMs ?? DEFAULT_RPC_CONNECTION_CONFIG.requestTimeoutMs,
        turnStallTimeoutMs: this.config.turnStallTimeoutMs ?? DEFAULT_TURN_STALL_TIMEOUT_MS,
        ...(reconciler === undefined ? {} : this.reconnector.turnHooks()),
      };
      const reconnectDiagnostics$ = reconnecting === undefined ? this.reconnector.diagnostics$ : merge(reconnecting.reconnectDiagnostics$, this.reconnector.diagnostics$);
      const tools = new ToolCallAnswerer(
        connection,
        routed$,
        this,
        this.config.toolCallGraceMs ?? DEFAULT_TOOL_CALL_CONFIG.toolCallGraceMs,
        this.config.serverRequestHandlers?.['item/tool/call'],
      );
      connection.setServerRequestHandler('item/tool/call', tools.handle);
      telemetry?.attach(connection, routed$, reconnectDiagnostics$, tools.diagnostics$);
      const session: Session = { connection, router, turns: telemetry === undefined ? turns : { ...turns, telemetry }, metadata, reconciler, reconnectDiagnostics$, tools, telemetry };
      this.session = session;
      this.setStatus({ state: 'ready' });
      reconnecting?.status$.subscribe((status) => this.setStatus(status));
      if (this.closed) await this.close();
      return session;
    } catch (error) {
      this.setStatus({ state: 'closed', reason: errorMessage(error) });
      router.dispose(error);
      reconciler?.dispose();
      await connection.close();
      throw error;
    }
  }

  private async attachTools(threadId: string, tools: ToolSet): Promise<void> {
    (await this.start()).tools.attach(threadId, tools);
  }

  /** Whether this client reconnects after a drop (and so keeps what a reconnection needs). */
  private get reconnects(): boolean {
    const policy = this.config.reconnect;
    return policy !== undefined && policy !== false;
  }

  private initializeParams(): InitializeParams {
    const clientInfo = this.config.clientInfo ?? CLIENT_INFO;
    return {
      clientInfo: { ...clientInfo, title: clientInfo.title ?? null },
      capabilities: {
        experimentalApi: this.config.experimentalApi ?? true,
        ...(this.config.optOutNotificationMethods === undefined ? {} : { optOutNotificationMethods: [...this.config.optOutNotificationMethods] }),
      },
    };
  }

  /** With the `reconnect` option: the transport that reopens itself after a drop; else undefined. */
  private async openReconnecting(): Promise<ReconnectingTransport | undefined> {
    const policy = this.config.reconnect;
    if (policy === undefined || policy === false) return undefined;
    return ReconnectingTransport.connect({
      open: () => this.openTransport(),
      reconnect: policy === true ? {} : policy,
      handshake: (channel) => this.reconnector.handshake(channel),
      // A token read per connection may be new after the server restarted; a fixed one cannot be.
      tokenMayChange: typeof this.config.transport === 'function' || typeof this.config.transport?.token === 'function',
    });
  }

  private setStatus(status: ConnectionStatus): void {
    if (this.status.getValue().state === 'closed') return;
    this.status.next(status);
    if (status.state === 'closed') this.status.complete();
  }

  private async openTransport(): Promise<Transport> {
    const target = this.config.transport;
    if (typeof target === 'function') return target();
    const open = Codex.defaultTransport;
    if (open === undefined) {
      throw new ConnectionStateError("no default transport here: import Codex from 'codex-rx' or 'codex-rx/browser', or pass `transport`", 'new');
    }
    return open(this.config);
  }

  /** A stream of the session: subscribed at once when the client is ready (a hot stream must not skip a tick), else after initializing. */
  private fromSession<T>(pick: (session: Session) => Observable<T>): Observable<T> {
    return defer(() => (this.session !== undefined && !this.closed ? pick(this.session) : from(this.start()).pipe(switchMap(pick))));
  }
}

function versionMismatchDiagnostic(metadata: ServerMetadata): ConnectionDiagnostic {
  const { serverVersion, protocolVersion } = metadata;
  return { kind: 'version-mismatch', serverVersion, protocolVersion, message: versionMismatchMessage(serverVersion, protocolVersion) };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function requestOptions(options: RequestOptions): RequestOptions {
  return pickDefined(options, ['signal', 'timeoutMs']);
}

/** The thread-level params of the options; presets are checked before anything is sent. */
type CommonThreadParams = Pick<
  ThreadStartParams,
  'approvalPolicy' | 'approvalsReviewer' | 'sandbox' | 'model' | 'modelProvider' | 'cwd' | 'baseInstructions' | 'developerInstructions' | 'config' | 'personality'
>;

function threadParams(options: ThreadOptions, method: string, defaultMode: ApprovalMode | undefined): CommonThreadParams {
  const params: CommonThreadParams = {};
  const mode = options.approvalMode ?? defaultMode;
  if (mode !== undefined) Object.assign(params, approvalParams(mode, method));
  if (options.sandbox !== undefined) params.sandbox = sandboxMode(options.sandbox, method);
  const copied = ['model', 'modelProvider', 'cwd', 'baseInstructions', 'developerInstructions', 'config', 'personality'] as const;
  return Object.assign(params, pickDefined(options, copied));
}
