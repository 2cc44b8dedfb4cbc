import { concatMap, defer, filter, firstValueFrom, fromEvent, map, merge, Observable, of, switchMap, take } from 'rxjs';
import type {
  ThreadCompactStartResponse,
  ThreadGoal,
  ThreadReadResponse,
  ThreadSetNameResponse,
  Turn,
  TurnStartParams,
} from '../protocol/generated/codecs.js';
import { toTurnResult } from '../turns/to-turn-result.js';
import type { TurnEvent } from '../turns/turn-event.js';
import { markReconstructed } from '../turns/is-reconstructed.js';
import type { TurnRouter } from '../turns/turn-router.js';
import { ThreadBusyError } from '../turns/thread-busy-error.js';
import { ConnectionLostError } from '../errors/connection-lost-error.js';
import type { TurnStreamMode } from '../turns/turn-stream-mode.js';
import { flatString } from '../internal/flat-string.js';
import { pickDefined } from '../internal/pick-defined.js';
import { approvalParams } from './approval-mode.js';
import type { RequestOptions, RpcConnection } from '../connection/rpc-connection.js';
import { toUserInput, type RunInput } from './run-input.js';
import { sandboxPolicy } from './sandbox.js';
import { TurnHandle, type TurnLimits } from './turn-handle.js';
import type { TurnRuntime } from './turn-runtime.js';
import type { TurnOptions } from './turn-options.js';
import type { GoalSettings } from './goal-settings.js';
import type { TurnResult } from '../turns/turn-result.js';
import type { TypedTurnResult } from '../turns/typed-turn-result.js';
import { validateOutput } from '../turns/validate-output.js';
import type { DeepPartial } from '../schema/deep-partial.js';
import type { ResolvedSchema } from '../schema/resolved-schema.js';
import type { SchemaInput, SchemaOutput } from '../schema/schema-input.js';
import { partialOutput } from '../operators/partial-output.js';
import { resolveOutput } from './resolve-output.js';
import type { OutputTurnOptions } from './turn-options.js';
import type { StallCheckOutcome, TurnTelemetry } from '../telemetry/turn-telemetry.js';

/**
 * A conversation: turns run in it one after another, and it keeps their history.
 *
 * @example
 * const thread = await codex.threadStart({ model: 'gpt-5.4' });
 * const first = await thread.run('Say hello');
 * const second = await thread.run('Now in French');
 */
export class Thread {
  /** @internal Threads are made by `Codex` (`threadStart`, `threadResume`, `threadFork`, `thread`). */
  constructor(
    private readonly connection: RpcConnection,
    private readonly router: TurnRouter,
    /** The thread's id. */
    readonly id: string,
    /** What the client's turns share: their order per thread and the client's limits. */
    private readonly runtime: TurnRuntime,
  ) {}

  /**
   * Starts a turn once the thread's earlier turns have ended, and waits for its result. Rejects
   * with the turn's error when it failed. Aborting the signal gives up a place in the queue, or
   * interrupts the started turn; either way the call rejects at once with an `AbortError`, and the
   * thread's next turn starts after the interrupted one has ended.
   *
   * With an `output` schema, the result's `output` is the final answer parsed and validated
   * (`OutputValidationError` when it is not valid; `SchemaError`, before anything is sent, for a
   * schema strict mode would refuse).
   */
  run<S extends SchemaInput>(input: RunInput, options: OutputTurnOptions<S>): Promise<TypedTurnResult<SchemaOutput<S>>>;
  run(input: RunInput, options?: TurnOptions): Promise<TurnResult>;
  async run(input: RunInput, options: TurnOptions = {}): Promise<TurnResult> {
    const output = resolveOutput(options);
    // This call is the turn's only consumer: claimed, its events are not kept for anyone else
    // (its first subscriber, result$ below, gets them all).
    const turn = await firstValueFrom(this.started$(input, options, 'claim', output));
    const result = turn.run(options.signal === undefined ? {} : { signal: options.signal });
    // Returned, not awaited: this call's frame is not kept alive for the whole turn.
    return output === undefined ? result : result.then((done) => validateOutput(done, output));
  }

  /**
   * The cold form of `run`: starts the turn on subscribe (once the thread's earlier turns have
   * ended) and emits its result. Unsubscribing while it waits leaves the queue; unsubscribing
   * before the result interrupts the turn on the server. With an `output` schema, as `run`.
   */
  run$<S extends SchemaInput>(input: RunInput, options: OutputTurnOptions<S>): Observable<TypedTurnResult<SchemaOutput<S>>>;
  run$(input: RunInput, options?: TurnOptions): Observable<TurnResult>;
  run$(input: RunInput, options: TurnOptions = {}): Observable<TurnResult> {
    return defer(() => {
      const output = resolveOutput(options);
      const results$ = this.owned$(input, options, output).pipe(toTurnResult());
      return output === undefined ? results$ : results$.pipe(concatMap((result) => validateOutput(result, output)));
    });
  }

  /**
   * The typed output of a turn as it streams, in the cold form of `run`: starts the turn on
   * subscribe and emits deep-partial values of the final answer as its deltas arrive, then the
   * validated value (see `partialOutput` for which message counts). Unsubscribing before the end
   * interrupts the turn.
   *
   * @example
   * import { z } from 'zod';
   *
   * const Review = z.object({ verdict: z.enum(['approve', 'reject']), findings: z.array(z.string()) });
   * thread.output$('Review the diff', { output: Review }).subscribe((soFar) => console.log(soFar.findings?.length ?? 0));
   */
  output$<S extends SchemaInput>(input: RunInput, options: OutputTurnOptions<S>): Observable<DeepPartial<SchemaOutput<S>>> {
    return defer(() => {
      const output = resolveOutput(options) as ResolvedSchema<SchemaOutput<S>>;
      return this.owned$(input, options, output).pipe(partialOutput(output));
    });
  }

  /**
   * Starts a turn on subscribe, once the thread's earlier turns have ended, and emits its events,
   * from `turn/started` to `turn/completed`. This stream owns the turn: unsubscribing before
   * completion interrupts it on the server (or, while it waits, leaves the queue).
   */
  turn$(input: RunInput, options: TurnOptions = {}): Observable<TurnEvent> {
    return defer(() => this.owned$(input, options, resolveOutput(options)));
  }

  private owned$(input: RunInput, options: TurnOptions, output: ResolvedSchema<unknown> | undefined): Observable<TurnEvent> {
    return this.started$(input, options, 'claim', output).pipe(switchMap((handle) => ownedEvents$(handle)));
  }

  /**
   * Starts a turn once the thread's earlier turns have ended, and returns its handle as soon as
   * the server accepted it. Aborting the signal before then rejects with an `AbortError` (a turn
   * the server had started by then is interrupted). With an `output` schema the handle has
   * `output$`.
   */
  turn<S extends SchemaInput>(input: RunInput, options: OutputTurnOptions<S>): Promise<TurnHandle<SchemaOutput<S>>>;
  turn(input: RunInput, options?: TurnOptions): Promise<TurnHandle>;
  async turn(input: RunInput, options: TurnOptions = {}): Promise<TurnHandle> {
    return firstValueFrom(this.started$(input, options, 'replay', resolveOutput(options)));
  }

  /**
   * Waits for the thread's lease, starts the turn and emits its handle. The lease is held until
   * the turn has ended, whoever listens to it; a subscriber that leaves while the start is in
   * flight gets the turn interrupted once its id is known.
   */
  private started$(input: RunInput, options: TurnOptions, mode: TurnStreamMode, output: ResolvedSchema<unknown> | undefined): Observable<TurnHandle> {
    const signal = options.signal;
    const started$ = new Observable<TurnHandle>((subscriber) => {
      const params = this.turnStartParams(input, options);
      if (output !== undefined) params.outputSchema = output.jsonSchema;
      // Asked for here, in the caller's context: the turn's span is a child of the caller's.
      const trace = this.runtime.telemetry?.turnRequested(this.id, params);
      let granted = false;
      const lease = this.runtime.queue.lease$(this.id).subscribe(() => {
        granted = true;
        this.start(params, options.stallTimeoutMs ?? this.runtime.turnStallTimeoutMs, mode, output, trace).then(
          (handle) => {
            // The thread is free for its next turn once this one has ended.
            // Watched on the router, not on the handle's events: a claimed stream replays the whole
            // turn to its first subscriber only, which must be the caller's.
            const release = () => lease.unsubscribe();
            this.router.whenEnded(handle.id, release);
            handle.whenStallEnded(release);
            if (subscriber.closed) void handle.interrupt().catch(() => undefined);
            else {
              subscriber.next(handle);
              subscriber.complete();
            }
          },
          (error: unknown) => {
            trace?.failedToStart(error);
            lease.unsubscribe();
            subscriber.error(error);
          },
        );
      });
      return () => {
        if (granted) return;
        lease.unsubscribe();
        trace?.failedToStart(new DOMException('turn/start: the caller left before the turn was started', 'AbortError'));
      };
    });
    if (signal === undefined) return started$;
    const aborted$ = defer(() => (signal.aborted ? of(undefined) : fromEvent(signal, 'abort'))).pipe(
      map(() => {
        throw abortError('turn/start', 'the turn was not started, or was interrupted');
      }),
    );
    // The abort first: an aborted signal ends the call before anything is queued or sent.
    return merge(aborted$, started$).pipe(take(1));
  }

  /** Sends `turn/start` and tells this turn from a running one the server folded the input into. */
  private async start(params: TurnStartParams, stallTimeoutMs: number, mode: TurnStreamMode, output: ResolvedSchema<unknown> | undefined, trace: TurnTelemetry | undefined): Promise<TurnHandle> {
    const lost = this.runtime.threadLost?.(this.id);
    if (lost !== undefined) throw lost;
    const running = this.router.liveTurnIds(this.id);
    const release = this.router.expectTurnStart(this.id);
    trace?.sending();
    try {
      // No signal: a turn the server started must be known, so that a caller who left can have it interrupted.
      let recovered = false;
      const started = this.connection.request('turn/start', params);
      const turn =
        this.runtime.findLostTurnStart === undefined
          ? (await started).turn
          : await started.then(
              (response) => response.turn,
              async (error: unknown) => {
                const found = await this.lostTurnStart(params, error);
                recovered = true;
                return found;
              },
            );
      const lostMeanwhile = this.runtime.threadLost?.(this.id);
      if (lostMeanwhile !== undefined) {
        // Sent once the client was back: the turn runs on the server, unseen by this connection.
        void this.connection.request('turn/interrupt', { threadId: this.id, turnId: turn.id }).catch(() => undefined);
        throw lostMeanwhile;
      }
      if (running.has(turn.id)) throw new ThreadBusyError(this.id, turn.id);
      trace?.started(turn.id);
      // A recovered turn that ended during the gap was seen to its end before it was known as
      // this call's: the router let it go, and its events come from the stored turn.
      const events$ = recovered && this.router.hasEnded(turn.id) ? await this.storedTurnEvents(turn.id, mode) : this.router.turn(turn.id, mode, this.id);
      await this.runtime.afterTurnStart?.(this.id, turn.id);
      const limits: TurnLimits = { requestTimeoutMs: this.runtime.requestTimeoutMs, stallTimeoutMs };
      if (trace === undefined) return new TurnHandle(this.connection, this.id, turn.id, events$, limits, () => this.router.release(events$), output);
      const traced = { ...limits, onStallCheck: (outcome: StallCheckOutcome) => trace.stallChecked(outcome) };
      const handle = new TurnHandle(this.connection, this.id, turn.id, events$, traced, () => this.router.release(events$), output);
      handle.whenStallEnded(() => trace.stallEnded());
      return handle;
    } finally {
      release();
    }
  }

  /** The events of a turn rebuilt from the stored turn, read again while the store still shows it running. */
  private async storedTurnEvents(turnId: string, mode: TurnStreamMode): Promise<Observable<TurnEvent>> {
    let stored: Turn | undefined;
    for (let read = 1; read <= 9; read += 1) {
      stored = await this.runtime.readStoredTurn?.(this.id, turnId);
      if (stored?.status !== 'inProgress') break;
      await new Promise((resolve) => setTimeout(resolve, 100 * read));
    }
    if (stored === undefined) return this.router.turn(turnId, mode, this.id);
    const threadId = this.id;
    const items = stored.items.map((item) => {
      const completedAtMs = (item as { completedAtMs?: unknown }).completedAtMs;
      return markReconstructed({ method: 'item/completed', params: { threadId, turnId, item, completedAtMs: typeof completedAtMs === 'number' ? completedAtMs : Date.now() } } as TurnEvent);
    });
    return of(...items, markReconstructed({ method: 'turn/completed', params: { threadId, turn: stored } } as TurnEvent));
  }

  /**
   * A `turn/start` whose answer was lost in a drop may still have started its turn: after the
   * resume, the turn whose user message carries the call's `clientUserMessageId` is that turn.
   * When there is none, the call never reached the server and the `ConnectionLostError` stands.
   */
  private async lostTurnStart(params: TurnStartParams, error: unknown): Promise<{ readonly id: string }> {
    const clientUserMessageId = params.clientUserMessageId;
    if (!(error instanceof ConnectionLostError) || this.runtime.findLostTurnStart === undefined || typeof clientUserMessageId !== 'string') throw error;
    const id = await this.runtime.findLostTurnStart(this.id, clientUserMessageId);
    if (id === undefined) throw this.runtime.threadLost?.(this.id) ?? error;
    return { id };
  }

  /** The thread as stored, with its turns when asked. */
  read(options: { readonly includeTurns?: boolean } & RequestOptions = {}): Promise<ThreadReadResponse> {
    const { includeTurns = false, ...requestOptions } = options;
    return this.connection.request('thread/read', { threadId: this.id, includeTurns }, requestOptions);
  }

  /** Renames the thread. */
  setName(name: string, options: RequestOptions = {}): Promise<ThreadSetNameResponse> {
    return this.connection.request('thread/name/set', { threadId: this.id, name }, options);
  }

  /** Starts compacting the thread's history (the server summarizes it with the model). */
  compact(options: RequestOptions = {}): Promise<ThreadCompactStartResponse> {
    return this.connection.request('thread/compact/start', { threadId: this.id }, options);
  }

  /**
   * Sets (or changes) the thread's goal and resolves with it. An `active` goal keeps the server
   * running turns toward the objective until it is complete, paused or out of budget.
   *
   * @example
   * const goal = await thread.setGoal({ objective: 'Get the test suite green', tokenBudget: 200_000 });
   * console.log(goal.status, goal.tokensUsed, goal.tokenBudget);
   */
  async setGoal(settings: GoalSettings, options: RequestOptions = {}): Promise<ThreadGoal> {
    const { goal } = await this.connection.request('thread/goal/set', { ...settings, threadId: this.id }, options);
    return goal;
  }

  /**
   * The thread's goal, or null when it has none.
   *
   * @example
   * const goal = await thread.getGoal();
   * if (goal !== null) console.log(`${goal.objective}: ${goal.status}, ${goal.tokensUsed} tokens used`);
   */
  async getGoal(options: RequestOptions = {}): Promise<ThreadGoal | null> {
    const { goal } = await this.connection.request('thread/goal/get', { threadId: this.id }, options);
    return goal ?? null;
  }

  /**
   * Removes the thread's goal; resolves with whether there was one.
   *
   * @example
   * const hadOne = await thread.clearGoal();
   */
  async clearGoal(options: RequestOptions = {}): Promise<boolean> {
    const { cleared } = await this.connection.request('thread/goal/clear', { threadId: this.id }, options);
    return cleared;
  }

  /**
   * The thread's goal each time the server reports a change (status, tokens used …), and null
   * when it is cleared. Hot: only changes after subscribing; read the current one with `getGoal`.
   *
   * @example
   * thread.goal$.subscribe((goal) => console.log(goal === null ? 'no goal' : `${goal.status} ${goal.tokensUsed}/${goal.tokenBudget ?? '∞'}`));
   */
  get goal$(): Observable<ThreadGoal | null> {
    return this.connection.notifications$.pipe(
      filter((n) => (n.method === 'thread/goal/updated' || n.method === 'thread/goal/cleared') && n.params.threadId === this.id),
      map((n) => (n.method === 'thread/goal/updated' ? n.params.goal : null)),
    );
  }

  private turnStartParams(input: RunInput, options: TurnOptions): TurnStartParams {
    const method = 'turn/start';
    const params: TurnStartParams = { ...options.params, threadId: this.id, input: toUserInput(input, method) };
    // Names the turn this call starts, so that a reconnecting client can find it again when the
    // answer is lost in a drop. Without reconnection nothing would read it: not sent then.
    // Flattened: every pending turn/start keeps it (see flatString).
    if (this.runtime.findLostTurnStart !== undefined) params.clientUserMessageId ??= flatString(globalThis.crypto.randomUUID());
    if (options.approvalMode !== undefined) Object.assign(params, approvalParams(options.approvalMode, method));
    if (options.sandbox !== undefined) params.sandboxPolicy = sandboxPolicy(options.sandbox, method);
    const copied = ['cwd', 'effort', 'model', 'outputSchema', 'personality', 'serviceTier', 'summary'] as const;
    return Object.assign(params, pickDefined(options, copied));
  }
}

/** The events of a started turn, interrupting it when the subscriber leaves before its end. */
function ownedEvents$(handle: TurnHandle): Observable<TurnEvent> {
  return new Observable<TurnEvent>((subscriber) => {
    let ended = false;
    const events = handle.events$.subscribe({
      next: (event) => subscriber.next(event),
      error: (error: unknown) => {
        ended = true;
        subscriber.error(error);
      },
      complete: () => {
        ended = true;
        subscriber.complete();
      },
    });
    return () => {
      events.unsubscribe();
      if (!ended) void handle.interrupt().catch(() => undefined);
    };
  });
}

function abortError(method: string, outcome: string): DOMException {
  return new DOMException(`${method}: aborted; ${outcome}`, 'AbortError');
}
