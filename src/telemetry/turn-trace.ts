import type * as Api from '@opentelemetry/api';
import type { ThreadItem } from '../protocol/generated/codecs.js';
import type { ServerNotification } from '../protocol/server-notification.js';
import { TurnResultBuilder } from '../turns/turn-result-builder.js';
import type { TurnResult } from '../turns/turn-result.js';
import type { TelemetryInstruments } from './telemetry-instruments.js';
import { errorType } from './error-type.js';
import type { StallCheckOutcome, TurnTelemetry } from './turn-telemetry.js';

/**
 * What the traces of one client share.
 *
 * @example
 * import * as api from '@opentelemetry/api';
 *
 * declare const instruments: TurnTraceShared['instruments'];
 * const shared: TurnTraceShared = {
 *   api,
 *   tracer: api.trace.getTracer('codex-rx'),
 *   instruments,
 *   captureContent: false,
 *   isReconstructed: () => false,
 *   ended: (trace) => console.log('ended', trace.turnId),
 * };
 */
export interface TurnTraceShared {
  readonly api: typeof Api;
  readonly tracer: Api.Tracer;
  readonly instruments: TelemetryInstruments;
  readonly captureContent: boolean;
  /** Whether an event was rebuilt by the reconciler after a reconnection (`isReconstructed`). */
  readonly isReconstructed: (event: object) => boolean;
  /** The trace has ended its span: forget it. */
  readonly ended: (trace: TurnTrace) => void;
}

/** An item seen starting, or a wait that ended before it: when it started, and when its work could begin. */
interface OpenItem {
  readonly startedAt: number | undefined;
  /** When the last wait for a person on this item ended: a command runs from there. */
  runFrom?: number;
  /** The id the server gave a client tool's call (`item/tool/call`). */
  callId?: string;
  /** How this client's tool answerer ended the call, when it did not succeed (see `toolCallEnded`). */
  outcome?: string;
}

/** Items that get a span of their own, by type. */
const TRACED_ITEMS: ReadonlySet<string> = new Set(['commandExecution', 'fileChange', 'mcpToolCall', 'dynamicToolCall']);

/** Now, in ms since the epoch with sub-ms precision (what span times take). */
function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The trace of one turn: its GenAI `invoke_agent` span, started when the turn is asked for, and
 * the child spans and events its events make. Item spans are made when the item completes, with
 * the start time it had: a command waited on a person runs from the end of that wait (the server
 * starts the item before it asks), so the wait is its own span and the execution another.
 *
 * @example
 * import * as api from '@opentelemetry/api';
 *
 * declare const shared: TurnTraceShared;
 * const trace = new TurnTrace(shared, api.context.active(), threadId, 'gpt-5.4', 'openai', undefined, { pending: () => {}, bind: () => {}, unbind: () => {} });
 * connection.notifications$.subscribe((event) => trace.onEvent(event));
 */
export class TurnTrace implements TurnTelemetry {
  turnId: string | undefined;
  readonly span: Api.Span;
  /** The context whose active span is this turn's: the parent of its children. */
  readonly context: Api.Context;
  private readonly builder = new TurnResultBuilder();
  private readonly items = new Map<string, OpenItem>();
  private readonly startedAt = now();
  private readonly metricAttributes: Api.Attributes;
  private done = false;
  /** The connection dropped during the turn and the turn has not heard from the new one yet. */
  private awaitingReconnect = false;
  /** Items rebuilt from the stored turn since the last `codex.turn.reconciled` event. */
  private rebuilt = 0;

  constructor(
    private readonly shared: TurnTraceShared,
    parent: Api.Context,
    readonly threadId: string,
    model: string | undefined,
    provider: string | undefined,
    input: unknown,
    private readonly binding: { readonly pending: () => void; readonly bind: (turnId: string) => void; readonly unbind: () => void },
  ) {
    const { api } = shared;
    const common: Api.Attributes = { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.provider.name': provider ?? 'openai' };
    if (model !== undefined) common['gen_ai.request.model'] = model;
    this.metricAttributes = common;
    const attributes: Api.Attributes = { ...common, 'gen_ai.agent.name': 'codex', 'gen_ai.conversation.id': threadId };
    if (input !== undefined) attributes['gen_ai.input.messages'] = JSON.stringify([{ role: 'user', parts: inputParts(input) }]);
    this.span = shared.tracer.startSpan('invoke_agent codex', { kind: api.SpanKind.CLIENT, attributes, startTime: this.startedAt }, parent);
    this.context = api.trace.setSpan(parent, this.span);
    shared.instruments.turnStarted(common);
  }

  sending(): void {
    if (this.turnId === undefined && !this.done) this.binding.pending();
  }

  started(turnId: string): void {
    if (this.turnId !== undefined || this.done) return;
    this.turnId = turnId;
    this.span.setAttribute('codex.turn.id', turnId);
    this.binding.bind(turnId);
  }

  failedToStart(error: unknown): void {
    if (this.done) return;
    this.binding.unbind();
    this.finish(undefined, errorType(error), error);
  }

  stallChecked(outcome: StallCheckOutcome): void {
    this.addEvent('codex.turn.stall_check', { 'codex.stall.outcome': outcome });
  }

  stallEnded(): void {
    if (!this.done) this.finish(undefined, 'TurnStalledError', undefined);
  }

  /** The connection ended (or telemetry stopped) before the turn did. */
  abandon(error: unknown): void {
    if (!this.done) this.finish(undefined, error === undefined ? 'unfinished' : errorType(error), error);
  }

  /** The connection dropped while the turn ran. */
  connectionLost(): void {
    if (this.done) return;
    this.awaitingReconnect = true;
    this.span.addEvent('codex.connection.lost');
  }

  /** The turn is back on a new connection, after `downtimeMs` (attempts known once the client reports the reconnection). */
  reconnected(downtimeMs: number, attempts: number | undefined): void {
    if (this.done || !this.awaitingReconnect) return;
    this.awaitingReconnect = false;
    const attributes: Api.Attributes = { 'codex.reconnect.downtime_ms': downtimeMs };
    if (attempts !== undefined) attributes['codex.reconnect.attempts'] = attempts;
    this.span.addEvent('codex.connection.reconnected', attributes);
  }

  /**
   * The client brought the running turn in line with the stored one after a reconnection (the
   * `turn-reconciled` diagnostic). A turn whose end was rebuilt has its event from `turn/completed`
   * instead: the diagnostic comes after the rebuilt end, when the span has ended.
   */
  reconciled(reconstructedItems: number, completed: boolean): void {
    this.rebuilt = 0;
    this.addEvent('codex.turn.reconciled', { 'codex.turn.reconstructed_items': reconstructedItems, 'codex.turn.reconciled_end': completed });
  }

  addEvent(name: string, attributes: Api.Attributes): void {
    if (!this.done) this.span.addEvent(name, attributes);
  }

  /** One event of the turn. */
  onEvent(event: ServerNotification): void {
    if (this.done) return;
    this.builder.add(event);
    switch (event.method) {
      case 'item/started':
        if (TRACED_ITEMS.has(event.params.item.type)) {
          const open = this.items.get(event.params.item.id);
          this.items.set(event.params.item.id, { ...open, startedAt: now() });
        }
        break;
      case 'item/completed':
        this.itemCompleted(event.params.item, this.shared.isReconstructed(event));
        break;
      case 'error':
        if (event.params.willRetry) {
          const attributes: Api.Attributes = { 'codex.retry.will_retry': true };
          const info = event.params.error.codexErrorInfo;
          if (info !== undefined && info !== null) attributes['error.type'] = typeof info === 'string' ? info : Object.keys(info)[0] ?? 'unknown';
          if (this.shared.captureContent) attributes['codex.error.message'] = event.params.error.message;
          this.span.addEvent('codex.retry', attributes);
        }
        break;
      case 'model/rerouted':
        this.span.setAttribute('gen_ai.response.model', event.params.toModel);
        break;
      case 'turn/completed':
        this.complete(this.shared.isReconstructed(event));
        break;
      default:
        break;
    }
  }

  /** A wait for a person on this turn began (an approval, a question): its span, ended by `waitEnded`. */
  startWait(name: string, method: string, itemId: string | undefined): Api.Span {
    const attributes: Api.Attributes = { 'codex.server_request.method': method };
    if (itemId !== undefined) attributes['codex.item.id'] = itemId;
    return this.shared.tracer.startSpan(name, { kind: this.shared.api.SpanKind.INTERNAL, attributes }, this.context);
  }

  /** The client answered: the wait's span ends, and the item's work runs from here. */
  waitEnded(itemId: string | undefined, span: Api.Span): void {
    const at = now();
    span.end(at);
    if (itemId === undefined) return;
    const open = this.items.get(itemId);
    if (open === undefined) this.items.set(itemId, { startedAt: undefined, runFrom: at });
    else open.runFrom = at;
  }

  /** The server asked this client to run one of its tools. */
  toolCallAsked(callId: string): void {
    const open = this.items.get(callId);
    if (open === undefined) this.items.set(callId, { startedAt: now(), callId });
    else open.callId = callId;
  }

  /**
   * This client's tool answerer ended a call without success (`invalid_arguments`, `thrown`,
   * `timeout`, `unhandled`): the server only reports the call as failed, so the reason is kept for
   * the call's span and its `codex.tool_calls` point.
   */
  toolCallEnded(callId: string, outcome: string): void {
    const open = this.items.get(callId);
    if (open === undefined) this.items.set(callId, { startedAt: undefined, callId, outcome });
    else open.outcome = outcome;
  }

  private itemCompleted(item: ThreadItem, reconstructed: boolean): void {
    if (reconstructed) {
      this.rebuilt += 1;
      this.span.addEvent('codex.item.reconstructed', { 'codex.item.type': item.type, 'codex.item.id': item.id });
    }
    if (!TRACED_ITEMS.has(item.type)) return;
    const open = this.items.get(item.id);
    this.items.delete(item.id);
    this.itemSpan(item, open, now());
  }

  /** The span of a finished (or abandoned) item, with its own times. */
  private itemSpan(item: ThreadItem, open: OpenItem | undefined, end: number): void {
    const { api, tracer, captureContent, instruments } = this.shared;
    const start = open?.runFrom ?? open?.startedAt ?? end;
    const status = (item as { readonly status?: string }).status ?? 'unknown';
    const attributes: Api.Attributes = { 'codex.item.id': item.id, 'codex.item.type': item.type, 'codex.item.status': status };
    let name: string;
    let toolName: string;
    let outcome: string = status;
    let failed = status === 'failed';
    switch (item.type) {
      case 'commandExecution':
        name = 'execute_command';
        toolName = 'exec_command';
        if (typeof item.exitCode === 'number') attributes['codex.command.exit_code'] = item.exitCode;
        if (typeof item.durationMs === 'number') attributes['codex.command.duration_ms'] = item.durationMs;
        if (open?.runFrom !== undefined && open.startedAt !== undefined) attributes['codex.command.wait_ms'] = Math.round(open.runFrom - open.startedAt);
        if (captureContent) {
          attributes['codex.command.line'] = item.command;
          if (typeof item.aggregatedOutput === 'string') attributes['codex.command.output'] = item.aggregatedOutput;
        }
        break;
      case 'fileChange':
        name = 'apply_patch';
        toolName = 'apply_patch';
        attributes['codex.file_change.count'] = item.changes.length;
        if (captureContent) attributes['codex.file_change.paths'] = item.changes.map((change) => change.path);
        break;
      case 'mcpToolCall':
        name = `execute_tool ${item.tool}`;
        toolName = item.tool;
        Object.assign(attributes, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': item.tool, 'gen_ai.tool.call.id': item.id, 'gen_ai.tool.type': 'extension', 'codex.mcp.server': item.server });
        if (captureContent) {
          attributes['gen_ai.tool.call.arguments'] = JSON.stringify(item.arguments ?? null);
          if (item.result !== undefined && item.result !== null) attributes['gen_ai.tool.call.result'] = JSON.stringify(item.result);
        }
        break;
      case 'dynamicToolCall':
        name = `execute_tool ${item.tool}`;
        toolName = item.tool;
        failed ||= item.success === false;
        // A client tool's outcome is what its answerer saw; a handler's answer says only success or not.
        outcome = open?.outcome ?? (failed ? 'failed' : 'success');
        attributes['codex.tool.outcome'] = outcome;
        Object.assign(attributes, { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': item.tool, 'gen_ai.tool.call.id': open?.callId ?? item.id, 'gen_ai.tool.type': 'function' });
        if (typeof item.namespace === 'string') attributes['codex.tool.namespace'] = item.namespace;
        if (captureContent) {
          attributes['gen_ai.tool.call.arguments'] = JSON.stringify(item.arguments ?? null);
          if (item.contentItems !== undefined && item.contentItems !== null) attributes['gen_ai.tool.call.result'] = JSON.stringify(item.contentItems);
        }
        break;
      default:
        return;
    }
    if (failed) attributes['error.type'] = open?.outcome ?? `${item.type}_failed`;
    const span = tracer.startSpan(name, { kind: api.SpanKind.INTERNAL, attributes, startTime: start }, this.context);
    if (failed) span.setStatus({ code: api.SpanStatusCode.ERROR });
    span.end(end);
    instruments.toolCall({ 'codex.item.type': item.type, 'gen_ai.tool.name': toolName, 'codex.tool.outcome': outcome });
  }

  private complete(reconstructed: boolean): void {
    let result: TurnResult | undefined;
    try {
      result = this.builder.result(false);
    } catch {
      result = undefined;
    }
    if (reconstructed) this.reconciled(this.rebuilt, true);
    if (result === undefined) {
      this.finish(undefined, 'IncompleteTurnError', undefined);
      return;
    }
    let failure: string | undefined;
    if (result.status === 'failed') {
      const info = result.error?.codexErrorInfo;
      failure = info === undefined || info === null ? 'turn_failed' : typeof info === 'string' ? info : Object.keys(info)[0] ?? 'turn_failed';
    }
    this.finish(result, failure, result.error?.message);
  }

  /** Ends the turn's span: its status, usage and metrics, and the spans of items left open. */
  private finish(result: TurnResult | undefined, failure: string | undefined, error: unknown): void {
    this.done = true;
    const { api, captureContent, instruments } = this.shared;
    const end = now();
    for (const [id, open] of this.items) {
      if (open.startedAt === undefined && open.runFrom === undefined) continue;
      this.itemSpan({ type: 'commandExecution', id, command: '', commandActions: [], cwd: '', status: 'inProgress' } as ThreadItem, open, end);
    }
    this.items.clear();
    const span = this.span;
    const status = result?.status ?? (failure === 'TurnStalledError' ? 'stalled' : 'unfinished');
    span.setAttribute('codex.turn.status', status);
    const usage = result?.turnUsage ?? null;
    if (usage !== null) {
      span.setAttributes({
        'gen_ai.usage.input_tokens': usage.inputTokens,
        'gen_ai.usage.output_tokens': usage.outputTokens,
        'gen_ai.usage.cache_read.input_tokens': usage.cachedInputTokens,
        'codex.usage.reasoning_output_tokens': usage.reasoningOutputTokens,
      });
      if (usage.cacheWriteInputTokens !== undefined) span.setAttribute('gen_ai.usage.cache_creation.input_tokens', usage.cacheWriteInputTokens);
    }
    if (captureContent && result !== undefined && result.finalResponse !== null) {
      span.setAttribute('gen_ai.output.messages', JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: result.finalResponse }] }]));
    }
    if (failure !== undefined) {
      span.setAttribute('error.type', failure);
      const message = captureContent ? (error instanceof Error ? error.message : typeof error === 'string' ? error : undefined) : undefined;
      span.setStatus(message === undefined ? { code: api.SpanStatusCode.ERROR } : { code: api.SpanStatusCode.ERROR, message });
    }
    span.end(end);
    instruments.turnEnded(this.metricAttributes, (end - this.startedAt) / 1000, usage?.inputTokens, usage?.outputTokens, failure);
    this.shared.ended(this);
  }
}

/** The GenAI message parts of a turn's input (`UserInput` items), for content capture. */
function inputParts(input: unknown): unknown[] {
  const items = Array.isArray(input) ? input : [input];
  return items.map((item) => {
    const text = (item as { readonly type?: unknown; readonly text?: unknown } | null)?.text;
    return typeof text === 'string' ? { type: 'text', content: text } : { type: 'other', content: item };
  });
}
