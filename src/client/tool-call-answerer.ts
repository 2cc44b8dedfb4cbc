import { defer, from, isObservable, last, map, NEVER, Observable, of, ReplaySubject, Subject, switchMap, timer, catchError, type Subscription } from 'rxjs';
import { DirectObservable } from '../internal/direct-observable.js';
import type { RequestId } from '../jsonrpc/json-rpc-message.js';
import type { DynamicToolCallOutputContentItem, DynamicToolCallParams, DynamicToolCallResponse } from '../protocol/generated/codecs.js';
import type { ServerNotification } from '../protocol/server-notification.js';
import type { ServerRequestHandler } from '../connection/server-request.js';
import { ToolError } from '../errors/tool-error.js';
import { formatSchemaIssues } from '../schema/format-schema-issues.js';
import type { AnyTool } from './any-tool.js';
import type { ToolDiagnostic } from './tool-diagnostic.js';
import type { ToolOutput } from './tool-output.js';
import { toolKey, toolsByKey, type ToolSet } from './tool-set.js';

/** The part of the connection the answerer needs. */
interface ToolConnection {
  withdrawServerRequest(id: RequestId): boolean;
}

/** One `item/tool/call` this client is answering, from the request until the call's end. */
interface Call {
  readonly threadId: string;
  readonly turnId: string;
  readonly callId: string;
  readonly controller: AbortController;
  /** The request the answer goes to: a new one when the server asks again after a reconnection. */
  requestId: RequestId;
  reply: ReplaySubject<DynamicToolCallResponse>;
  /** Set once the answer is known; kept until the call's item completes, for a request asked again. */
  answer: DynamicToolCallResponse | undefined;
  work: Subscription | undefined;
}

/**
 * Answers the server's `item/tool/call` requests for one client: runs the tools registered for
 * each thread, and follows every call to its end, so that a call nobody waits for any more is
 * cancelled (its signal aborted, its Observable unsubscribed) and never answered late.
 *
 * The server asks every client attached to a thread and takes the first answer. A call for a tool
 * this client has no handler for goes to the configured `item/tool/call` handler when there is
 * one, else is answered after `graceMs` with a failure: not at once, which would beat a client
 * that has the handler, and not never, which would leave the turn waiting for ever.
 */
export class ToolCallAnswerer {
  private readonly threads = new Map<string, Map<string, AnyTool>>();
  private readonly calls = new Map<string, Call>();
  private readonly callsByTurn = new Map<string, Set<Call>>();
  private readonly callsByRequest = new Map<RequestId, Call>();
  private readonly limiters = new WeakMap<AnyTool, Limiter>();
  private readonly diagnostics = new Subject<ToolDiagnostic>();
  /**
   * The notifications, followed only while a call is open: every frame of every turn would
   * otherwise make one more call here, for the many clients that never get a tool call.
   */
  private watch: Subscription | undefined;
  private disposed = false;

  /** What the answerer did that the model reads as a failure. Hot. */
  readonly diagnostics$: Observable<ToolDiagnostic> = this.diagnostics.asObservable();

  constructor(
    private readonly connection: ToolConnection,
    private readonly notifications$: Observable<ServerNotification>,
    /** The client, for `ToolContext.codex` (typed there: this file cannot import the client that imports it). */
    private readonly codex: unknown,
    private readonly graceMs: number,
    private fallback: ServerRequestHandler<'item/tool/call'> | undefined,
  ) {}

  /** How many calls are being answered or waiting for their end: zero when idle. */
  get size(): number {
    return this.calls.size;
  }

  /** Gives a thread its tools (replacing what it had); throws on a tool name given twice. */
  attach(threadId: string, tools: ToolSet): void {
    this.threads.set(threadId, toolsByKey(tools));
  }

  /** Sets the handler for calls to tools this client has none for (`undefined`: the grace rule). */
  setFallback(handler: ServerRequestHandler<'item/tool/call'> | undefined): () => void {
    this.fallback = handler;
    return () => {
      if (this.fallback === handler) this.fallback = undefined;
    };
  }

  /** The connection's handler of `item/tool/call`. */
  readonly handle: ServerRequestHandler<'item/tool/call'> = (params, request) => {
    const key = callKey(params.threadId, params.callId);
    const known = this.calls.get(key);
    if (known !== undefined) return this.askedAgain(known, request.id);
    const found = this.threads.get(params.threadId)?.get(toolKey(params.namespace, params.tool));
    if (found === undefined && this.fallback !== undefined) return this.fallback(params, request);
    const call: Call = {
      threadId: params.threadId,
      turnId: params.turnId,
      callId: params.callId,
      controller: new AbortController(),
      requestId: request.id,
      reply: new ReplaySubject(1),
      answer: undefined,
      work: undefined,
    };
    this.calls.set(key, call);
    this.callsByRequest.set(request.id, call);
    const turnCalls = this.callsByTurn.get(call.turnId) ?? new Set<Call>();
    this.callsByTurn.set(call.turnId, turnCalls.add(call));
    const reply = call.reply;
    this.follow();
    // The notifications had ended (the connection closed): the call is cancelled already.
    if (this.disposed) return reply;
    const answer$ = found === undefined ? this.unhandled$(params) : this.run$(found, params, call);
    call.work = answer$.subscribe((answer) => this.answer(call, answer));
    return reply;
  };

  /** Cancels every call; nothing is answered afterwards. */
  dispose(): void {
    this.disposed = true;
    this.watch?.unsubscribe();
    for (const call of [...this.calls.values()]) this.cancel(call, 'the connection closed');
    this.diagnostics.complete();
  }

  /**
   * Follows the notifications from the first open call on, to see each call's end; a stream
   * that has ended already (the connection closed) disposes at once, as it would have then.
   */
  private follow(): void {
    if (this.watch !== undefined || this.disposed) return;
    // Directly, when the connection's stream allows it: while a call is open, every frame crosses this.
    this.watch = DirectObservable.attach(this.notifications$, {
      next: (notification) => this.onNotification(notification),
      error: () => this.dispose(),
      complete: () => this.dispose(),
    });
  }

  /**
   * The server asks again for a call it asked before a reconnection (verified: after
   * `thread/resume` the pending call is sent to the resuming connection, same call id, new request
   * id). The running call answers the new request; one already answered answers it at once.
   */
  private askedAgain(call: Call, id: RequestId): Observable<DynamicToolCallResponse> {
    this.callsByRequest.delete(call.requestId);
    call.requestId = id;
    call.reply = new ReplaySubject(1);
    this.callsByRequest.set(id, call);
    if (call.answer !== undefined) call.reply.next(call.answer);
    return call.reply;
  }

  private run$(found: AnyTool, params: DynamicToolCallParams, call: Call): Observable<DynamicToolCallResponse> {
    const name = toolLabel(params);
    const facts = { threadId: call.threadId, turnId: call.turnId, callId: call.callId, tool: name };
    const ctx = { signal: call.controller.signal, threadId: call.threadId, turnId: call.turnId, callId: call.callId, codex: this.codex };
    return defer(() => found.validate(params.arguments)).pipe(
      switchMap((checked) => {
        if (checked.issues !== undefined) {
          const issues = formatSchemaIssues(checked.issues);
          const text = `Invalid arguments for tool ${name}:\n${issues}\nCall it again with arguments that match its input schema.`;
          this.diagnostics.next({ kind: 'tool-arguments-invalid', ...facts, issues: checked.issues, message: `tool ${name}: invalid arguments (${issues.replaceAll('\n', '; ')})` });
          return of(failure(text));
        }
        const output$ = defer(() => outputOf((found.run as (args: unknown, ctx: unknown) => ToolOutput)(checked.value, ctx))).pipe(last(null, undefined as ToolOutput));
        const bounded$ = found.timeoutMs === undefined ? output$ : this.withDeadline(output$, found.timeoutMs, call, facts);
        return this.limiter(found).run(bounded$).pipe(map(toResponse));
      }),
      catchError((error: unknown) => {
        if (error instanceof ToolTimeout) return of(failure(`Tool ${name} timed out after ${error.timeoutMs} ms.`));
        this.diagnostics.next({ kind: 'tool-failed', ...facts, error, message: `tool ${name} failed: ${error instanceof Error ? error.message : String(error)}` });
        // Only a ToolError's message is meant for the model: any other may hold paths, queries or secrets.
        return of(failure(error instanceof ToolError ? error.message : `Tool ${name} failed.`));
      }),
    );
  }

  private withDeadline<T>(source$: Observable<T>, timeoutMs: number, call: Call, facts: Omit<ToolDiagnostic, 'kind' | 'message'>): Observable<T> {
    return new Observable<T>((subscriber) => {
      const timer = setTimeout(() => {
        inner.unsubscribe();
        call.controller.abort(new ToolTimeout(timeoutMs));
        this.diagnostics.next({ kind: 'tool-timeout', ...facts, timeoutMs, message: `tool ${facts.tool} timed out after ${timeoutMs} ms` } as ToolDiagnostic);
        subscriber.error(new ToolTimeout(timeoutMs));
      }, timeoutMs);
      // Through an observer of its own: subscribing `subscriber` itself would make `inner` that subscriber.
      const inner = source$.subscribe({ next: (value) => subscriber.next(value), error: (error: unknown) => subscriber.error(error), complete: () => subscriber.complete() });
      return () => {
        clearTimeout(timer);
        inner.unsubscribe();
      };
    });
  }

  /** A call for a tool this client has no handler for: answered after the grace, unless it ends first. */
  private unhandled$(params: DynamicToolCallParams): Observable<DynamicToolCallResponse> {
    const name = toolLabel(params);
    if (this.graceMs === Infinity) return NEVER;
    return timer(this.graceMs).pipe(
      map(() => {
        const message = `no handler for tool ${name} in this client`;
        this.diagnostics.next({ kind: 'tool-call-unhandled', threadId: params.threadId, turnId: params.turnId, callId: params.callId, tool: name, graceMs: this.graceMs, message });
        return failure(message);
      }),
    );
  }

  private answer(call: Call, answer: DynamicToolCallResponse): void {
    if (!this.calls.has(callKey(call.threadId, call.callId))) return;
    call.answer = answer;
    call.reply.next(answer);
  }

  /** Notifications are delivered even when they fail their codec (lenient decoding): every field is checked. */
  private onNotification(notification: ServerNotification): void {
    if (this.calls.size === 0) return;
    const params = notification.params as Record<string, unknown> | undefined;
    switch (notification.method) {
      case 'item/completed': {
        const item = params?.['item'] as Record<string, unknown> | undefined;
        if (item?.['type'] !== 'dynamicToolCall' || typeof item['id'] !== 'string' || typeof params?.['threadId'] !== 'string') return;
        // A reconnection rebuilds the items of a running turn from the stored one: a call still in
        // progress there is not over (the server asks for it again after the resume).
        if (item['status'] === 'inProgress') return;
        const call = this.calls.get(callKey(params['threadId'], item['id']));
        if (call !== undefined) this.end(call, 'the call completed without this client’s answer');
        return;
      }
      case 'turn/completed': {
        const turn = params?.['turn'] as Record<string, unknown> | undefined;
        const calls = typeof turn?.['id'] === 'string' ? this.callsByTurn.get(turn['id']) : undefined;
        for (const call of [...(calls ?? [])]) this.end(call, `the turn ended (${String(turn?.['status'])})`);
        return;
      }
      case 'serverRequest/resolved': {
        const call = this.callsByRequest.get(params?.['requestId'] as RequestId);
        if (call !== undefined) this.end(call, 'the server withdrew the request');
        return;
      }
      default:
    }
  }

  /** The call is over: forgotten when answered, cancelled when not. */
  private end(call: Call, reason: string): void {
    if (call.answer === undefined) this.cancel(call, reason);
    else this.forget(call);
  }

  private cancel(call: Call, reason: string): void {
    this.forget(call);
    call.controller.abort(new DOMException(`tool call ${call.callId}: ${reason}`, 'AbortError'));
    call.work?.unsubscribe();
    // Withdrawn before the reply ends, so the connection does not answer an empty reply with an error.
    this.connection.withdrawServerRequest(call.requestId);
    call.reply.complete();
  }

  private forget(call: Call): void {
    this.calls.delete(callKey(call.threadId, call.callId));
    if (this.calls.size === 0 && this.watch !== undefined) {
      const watch = this.watch;
      this.watch = undefined;
      watch.unsubscribe();
    }
    if (this.callsByRequest.get(call.requestId) === call) this.callsByRequest.delete(call.requestId);
    const turnCalls = this.callsByTurn.get(call.turnId);
    turnCalls?.delete(call);
    if (turnCalls?.size === 0) this.callsByTurn.delete(call.turnId);
  }

  private limiter(found: AnyTool): Limiter {
    let limiter = this.limiters.get(found);
    if (limiter === undefined) this.limiters.set(found, (limiter = new Limiter(found.concurrency)));
    return limiter;
  }
}

/** At most `limit` subscriptions at once; the others wait in order, and leave the line when unsubscribed. */
class Limiter {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  run<T>(source$: Observable<T>): Observable<T> {
    if (this.limit === Infinity) return source$;
    return new Observable<T>((subscriber) => {
      let inner: Subscription | undefined;
      let holding = false;
      const start = () => {
        holding = true;
        this.running += 1;
        inner = source$.subscribe({ next: (value) => subscriber.next(value), error: (error: unknown) => subscriber.error(error), complete: () => subscriber.complete() });
      };
      if (this.running < this.limit) start();
      else this.waiting.push(start);
      return () => {
        inner?.unsubscribe();
        if (!holding) {
          const index = this.waiting.indexOf(start);
          if (index >= 0) this.waiting.splice(index, 1);
          return;
        }
        this.running -= 1;
        this.waiting.shift()?.();
      };
    });
  }
}

class ToolTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

function callKey(threadId: string, callId: string): string {
  return `${threadId}\u0000${callId}`;
}

function toolLabel(params: DynamicToolCallParams): string {
  return params.namespace === null || params.namespace === undefined ? params.tool : `${params.namespace}/${params.tool}`;
}

function outputOf(value: ToolOutput | PromiseLike<ToolOutput> | Observable<ToolOutput>): Observable<ToolOutput> {
  if (isObservable(value)) return value;
  if (typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function') return from(value as PromiseLike<ToolOutput>);
  return of(value);
}

function failure(text: string): DynamicToolCallResponse {
  return { success: false, contentItems: [{ type: 'inputText', text }] };
}

/** The answer for a tool's output (see `ToolOutput`). */
export function toResponse(output: ToolOutput): DynamicToolCallResponse {
  if (typeof output === 'string') return { success: true, contentItems: [{ type: 'inputText', text: output }] };
  if (output === undefined) return { success: true, contentItems: [{ type: 'inputText', text: '' }] };
  if (isContentItem(output)) return { success: true, contentItems: [output] };
  if (Array.isArray(output) && output.length > 0 && output.every(isContentItem)) return { success: true, contentItems: [...(output as DynamicToolCallOutputContentItem[])] };
  const text = JSON.stringify(output);
  if (text === undefined) throw new TypeError(`a tool answered with a ${typeof output}, which has no JSON form`);
  return { success: true, contentItems: [{ type: 'inputText', text }] };
}

function isContentItem(value: unknown): value is DynamicToolCallOutputContentItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  return (
    (item['type'] === 'inputText' && typeof item['text'] === 'string') ||
    (item['type'] === 'inputImage' && typeof item['imageUrl'] === 'string') ||
    (item['type'] === 'inputAudio' && typeof item['audioUrl'] === 'string')
  );
}
