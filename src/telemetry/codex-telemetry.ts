import type * as Api from '@opentelemetry/api';
import type { Observable, Subscription } from 'rxjs';
import { DirectObservable } from '../internal/direct-observable.js';
import type { RequestId } from '../jsonrpc/json-rpc-message.js';
import type { RequestObserver, RequestProbe } from '../connection/request-observer.js';
import type { ServerNotification } from '../protocol/server-notification.js';
import type { ReconnectDiagnostic } from '../transport/reconnect-diagnostic.js';
import { DEFAULT_TELEMETRY_CONFIG, type TelemetryConfig } from './telemetry-config.js';
import type { ClientTelemetry, TurnTelemetry } from './turn-telemetry.js';
import { TurnTrace, type TurnTraceShared } from './turn-trace.js';
import { TelemetryInstruments } from './telemetry-instruments.js';
import { setExplicitParent, explicitParent } from './explicit-parent.js';
import { errorType } from './error-type.js';
import { isReconstructed as ownIsReconstructed } from '../turns/is-reconstructed.js';

/** The instrumentation scope of every span and metric. */
export const INSTRUMENTATION_SCOPE = 'codex-rx';
const SCOPE_VERSION = '0.1.0';

/** Server requests that wait for a person, by method: the name of their span. */
const WAITS: ReadonlyMap<string, string> = new Map([
  ['item/commandExecution/requestApproval', 'await_approval'],
  ['item/fileChange/requestApproval', 'await_approval'],
  ['item/permissions/requestApproval', 'await_approval'],
  ['execCommandApproval', 'await_approval'],
  ['applyPatchApproval', 'await_approval'],
  ['item/tool/requestUserInput', 'await_user_input'],
  ['mcpServer/elicitation/request', 'await_user_input'],
]);

/** What the tool answerer reports of a call that did not succeed, by diagnostic kind: the call's outcome. */
const TOOL_OUTCOMES: ReadonlyMap<string, string> = new Map([
  ['tool-arguments-invalid', 'invalid_arguments'],
  ['tool-failed', 'thrown'],
  ['tool-timeout', 'timeout'],
  ['tool-call-unhandled', 'unhandled'],
]);

/** What telemetry reads of a tool answerer's diagnostics (`ToolDiagnostic`, kept structural: the client layer is above). */
interface ToolCallReport {
  readonly kind: string;
  readonly turnId: string;
  readonly callId: string;
}

/** How many threads' models are remembered: the oldest is forgotten first (its turns then have no request model). */
const REMEMBERED_THREADS = 10_000;

/** Methods whose answer names a thread's model. */
const THREAD_OPENERS: ReadonlySet<string> = new Set(['thread/start', 'thread/resume', 'thread/fork']);

/**
 * The OpenTelemetry view of one `Codex` (and of the fleet jobs around it): watches the client's
 * connection from beside it and turns what it sees into spans and metrics. Made by
 * `loadTelemetry` when telemetry is configured; a client without it has none of this.
 *
 * Turns are GenAI `invoke_agent` spans; their commands, file changes, tool calls and waits for a
 * person are child spans; retries, stall checks, reconnections and rebuilt items are span events.
 *
 * @example
 * import { NEVER } from 'rxjs';
 * import * as api from '@opentelemetry/api';
 *
 * const telemetry = new CodexTelemetry(api, { captureContent: false });
 * telemetry.attach(connection, connection.notifications$, NEVER);
 * const trace = telemetry.turnRequested(threadId, { model: 'gpt-5.4' });
 */
export class CodexTelemetry implements ClientTelemetry {
  /** The settings, with defaults. */
  readonly settings: { readonly captureContent: boolean; readonly rpcSpans: boolean };
  readonly tracer: Api.Tracer;
  private readonly shared: TurnTraceShared;
  private readonly instruments: TelemetryInstruments;
  /** Turns by id, from `turn/start`'s answer (or their first event) to their end. */
  private readonly turns = new Map<string, TurnTrace>();
  /** Turns asked for whose id is not known yet, by thread (a thread runs one turn at a time). */
  private readonly requested = new Map<string, TurnTrace>();
  /** Each open thread's model and provider, from the answer that opened it. */
  private readonly threads = new Map<string, { readonly model: string; readonly provider: string }>();
  /** Open waits for a person, by server request id. */
  private readonly waits = new Map<RequestId, { readonly trace: TurnTrace; readonly itemId: string | undefined; readonly span: Api.Span }>();
  private readonly subscriptions: Subscription[] = [];
  /** When the connection dropped, while it is down (with `reconnect`). */
  private droppedAt: number | undefined;

  constructor(
    readonly api: typeof Api,
    config: TelemetryConfig,
    /** Reads the reconciler's marks on rebuilt events (see `loadTelemetry`); default this module's import. */
    isReconstructed: (event: object) => boolean = ownIsReconstructed,
  ) {
    this.settings = {
      captureContent: config.captureContent ?? DEFAULT_TELEMETRY_CONFIG.captureContent,
      rpcSpans: config.rpcSpans ?? DEFAULT_TELEMETRY_CONFIG.rpcSpans,
    };
    const tracerProvider = (config.tracerProvider as Api.TracerProvider | undefined) ?? api.trace.getTracerProvider();
    const meterProvider = (config.meterProvider as Api.MeterProvider | undefined) ?? api.metrics.getMeterProvider();
    this.tracer = tracerProvider.getTracer(INSTRUMENTATION_SCOPE, SCOPE_VERSION);
    this.instruments = new TelemetryInstruments(meterProvider.getMeter(INSTRUMENTATION_SCOPE, SCOPE_VERSION));
    this.shared = {
      api,
      tracer: this.tracer,
      instruments: this.instruments,
      captureContent: this.settings.captureContent,
      isReconstructed,
      ended: (trace) => this.forget(trace),
    };
  }

  /**
   * Starts watching a connection: its turn events (`notifications$`, after reconciliation when the
   * client reconnects), its requests and server requests, its reconnections, and what its tool
   * answerer reports of the calls it ran (the server tells only whether a call succeeded).
   */
  attach(
    connection: { observeRequests(observer: RequestObserver | undefined): void },
    notifications$: Observable<ServerNotification>,
    reconnectDiagnostics$: Observable<ReconnectDiagnostic>,
    toolDiagnostics$?: Observable<ToolCallReport>,
  ): void {
    if (toolDiagnostics$ !== undefined) this.subscriptions.push(toolDiagnostics$.subscribe((report) => this.onToolReport(report)));
    connection.observeRequests(this.requestObserver());
    this.subscriptions.push(
      // Directly, when the client's stream allows it: every frame crosses this.
      DirectObservable.attach(notifications$, {
        next: (notification) => this.onNotification(notification),
        error: (error: unknown) => this.endAll(error),
        complete: () => this.endAll(undefined),
      }),
      reconnectDiagnostics$.subscribe((diagnostic) => this.onReconnectDiagnostic(diagnostic)),
    );
  }

  /** Stops watching; turns still open end as unfinished. */
  detach(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
    this.endAll(undefined);
  }

  turnRequested(threadId: string, params: { readonly model?: string | null | undefined; readonly input?: unknown }): TurnTelemetry {
    const parent = explicitParent() ?? this.api.context.active();
    const opened = this.threads.get(threadId);
    const model = params.model ?? opened?.model;
    const trace: TurnTrace = new TurnTrace(this.shared, parent, threadId, model ?? undefined, opened?.provider, this.settings.captureContent ? params.input : undefined, {
      // Only the turn being started may claim events that come before its id is known.
      pending: () => this.requested.set(threadId, trace),
      bind: (turnId) => {
        if (this.requested.get(threadId) === trace) this.requested.delete(threadId);
        this.turns.set(turnId, trace);
      },
      unbind: () => {
        if (this.requested.get(threadId) === trace) this.requested.delete(threadId);
      },
    });
    return trace;
  }

  /**
   * Runs `start` with `parent` as the parent of the turns it asks for, also where no context
   * manager carries the active context (the fleet worker parents its turns so).
   */
  withParent<T>(parent: Api.Context, start: () => T): T {
    const previous = explicitParent();
    setExplicitParent(parent);
    try {
      return this.api.context.with(parent, start);
    } finally {
      setExplicitParent(previous);
    }
  }

  private forget(trace: TurnTrace): void {
    if (trace.turnId !== undefined && this.turns.get(trace.turnId) === trace) this.turns.delete(trace.turnId);
    if (this.requested.get(trace.threadId) === trace) this.requested.delete(trace.threadId);
    for (const [id, wait] of this.waits) {
      if (wait.trace !== trace) continue;
      wait.span.end();
      this.waits.delete(id);
    }
  }

  private endAll(error: unknown): void {
    for (const trace of new Set([...this.turns.values(), ...this.requested.values()])) trace.abandon(error);
  }

  private traceOf(notification: ServerNotification): TurnTrace | undefined {
    const params = notification.params as { readonly turnId?: unknown; readonly turn?: { readonly id?: unknown }; readonly threadId?: unknown } | undefined;
    if (params === undefined) return undefined;
    const turnId = typeof params.turnId === 'string' ? params.turnId : typeof params.turn?.id === 'string' ? params.turn.id : undefined;
    if (turnId === undefined) return undefined;
    const known = this.turns.get(turnId);
    if (known !== undefined) return known;
    // An event that came before `turn/start`'s answer: the turn the thread is asking for.
    const waiting = typeof params.threadId === 'string' ? this.requested.get(params.threadId) : undefined;
    if (waiting !== undefined && waiting.turnId === undefined) {
      waiting.started(turnId);
      return waiting;
    }
    return undefined;
  }

  private onNotification(notification: ServerNotification): void {
    // Deltas are most of a turn's events and carry nothing a span records: they cost one check.
    const method = notification.method;
    if (method.endsWith('elta')) return;
    const trace = this.traceOf(notification);
    if (trace === undefined) return;
    // Events during a reconnection's handshake come over the new connection: the turn is back.
    if (this.droppedAt !== undefined) trace.reconnected(Date.now() - this.droppedAt, undefined);
    trace.onEvent(notification);
  }

  private onToolReport(report: ToolCallReport): void {
    const outcome = TOOL_OUTCOMES.get(report.kind);
    if (outcome !== undefined) this.turns.get(report.turnId)?.toolCallEnded(report.callId, outcome);
  }

  private onReconnectDiagnostic(diagnostic: ReconnectDiagnostic): void {
    switch (diagnostic.kind) {
      case 'connection-lost':
        this.droppedAt = Date.now();
        for (const trace of this.turns.values()) trace.connectionLost();
        break;
      case 'reconnected':
        this.droppedAt = undefined;
        this.instruments.reconnected(diagnostic.attempts, diagnostic.downtimeMs);
        for (const trace of this.turns.values()) trace.reconnected(diagnostic.downtimeMs, diagnostic.attempts);
        break;
      case 'turn-reconciled':
        this.turns.get(diagnostic.turnId)?.reconciled(diagnostic.reconstructedItems, diagnostic.completed);
        break;
      default:
        break;
    }
  }

  private requestObserver(): RequestObserver {
    return {
      request: (method, params) => this.probe(method, params),
      serverRequest: (id, method, params) => this.onServerRequest(id, method, params),
      answered: (id) => this.onAnswered(id),
    };
  }

  private probe(method: string, params: unknown): RequestProbe {
    const instruments = this.instruments;
    instruments.requestQueued();
    const span = this.settings.rpcSpans
      ? this.tracer.startSpan(method, { kind: this.api.SpanKind.CLIENT, attributes: { 'rpc.system': 'jsonrpc', 'rpc.method': method } })
      : undefined;
    let onWire = false;
    return {
      sent: (id) => {
        if (!onWire) instruments.requestSent();
        onWire = true;
        span?.setAttribute('rpc.jsonrpc.request_id', String(id));
      },
      retried: () => {
        instruments.overloadRetry(method);
        span?.addEvent('codex.overload_retry');
      },
      settled: (error, result) => {
        instruments.requestSettled(onWire);
        if (error === undefined) {
          if (THREAD_OPENERS.has(method)) this.noteThread(result);
        } else if (span !== undefined) {
          const code = (error as { code?: unknown }).code;
          if (typeof code === 'number') span.setAttribute('rpc.jsonrpc.error_code', code);
          span.setAttribute('error.type', errorType(error));
          span.setStatus({ code: this.api.SpanStatusCode.ERROR });
        }
        span?.end();
        // The thread the request opened is known; `params` is not kept.
        void params;
      },
    };
  }

  private noteThread(result: unknown): void {
    const answer = result as { readonly thread?: { readonly id?: unknown }; readonly model?: unknown; readonly modelProvider?: unknown } | undefined;
    const id = answer?.thread?.id;
    if (typeof id === 'string' && typeof answer?.model === 'string') {
      this.threads.delete(id);
      if (this.threads.size >= REMEMBERED_THREADS) this.threads.delete(this.threads.keys().next().value!);
      this.threads.set(id, { model: answer.model, provider: typeof answer.modelProvider === 'string' ? answer.modelProvider : 'openai' });
    }
  }

  private onServerRequest(id: RequestId, method: string, params: unknown): void {
    const fields = params as { readonly turnId?: unknown; readonly itemId?: unknown; readonly callId?: unknown } | undefined;
    const turnId = typeof fields?.turnId === 'string' ? fields.turnId : undefined;
    const trace = turnId === undefined ? undefined : this.turns.get(turnId);
    if (trace === undefined) return;
    const itemId = typeof fields?.itemId === 'string' ? fields.itemId : typeof fields?.callId === 'string' ? fields.callId : undefined;
    if (method === 'item/tool/call') {
      if (itemId !== undefined) trace.toolCallAsked(itemId);
      return;
    }
    const name = WAITS.get(method);
    if (name === undefined) return;
    this.waits.set(id, { trace, itemId, span: trace.startWait(name, method, itemId) });
  }

  private onAnswered(id: RequestId): void {
    const wait = this.waits.get(id);
    if (wait === undefined) return;
    this.waits.delete(id);
    wait.trace.waitEnded(wait.itemId, wait.span);
  }
}
