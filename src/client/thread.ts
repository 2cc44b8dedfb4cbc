import { filter, map, Observable, type Subscription } from 'rxjs';
import type {
  ThreadCompactStartResponse,
  ThreadGoal,
  ThreadReadResponse,
  ThreadSetNameResponse,
  TurnStartParams,
} from '../protocol/generated/codecs.js';
import { pickDefined } from '../internal/pick-defined.js';
import { toTurnResult } from '../turns/to-turn-result.js';
import type { TurnEvent } from '../turns/turn-event.js';
import type { TurnRouter } from '../turns/turn-router.js';
import type { TurnStreamMode } from '../turns/turn-stream-mode.js';
import { approvalParams } from './approval-mode.js';
import type { RequestOptions, RpcConnection } from '../connection/rpc-connection.js';
import { toUserInput, type RunInput } from './run-input.js';
import { sandboxPolicy } from './sandbox.js';
import { TurnHandle } from './turn-handle.js';
import type { TurnOptions } from './turn-options.js';
import type { GoalSettings } from './goal-settings.js';
import type { TurnResult } from '../turns/turn-result.js';

/**
 * A conversation: turns run in it one after another, and it keeps their history.
 *
 * @example
 * const thread = await codex.threadStart({ model: 'gpt-5.4' });
 * const first = await thread.run('Say hello');
 * const second = await thread.run('Now in French');
 */
export class Thread {
  constructor(
    private readonly connection: RpcConnection,
    private readonly router: TurnRouter,
    /** The thread's id. */
    readonly id: string,
  ) {}

  /** Starts a turn and waits for its result. Rejects with the turn's error when it failed. Aborting the signal interrupts the turn. */
  async run(input: RunInput, options: TurnOptions = {}): Promise<TurnResult> {
    // This call is the turn's only consumer: claimed, its events are not kept for anyone else.
    const turn = await this.start(input, options, 'claim');
    const signal = options.signal;
    if (signal === undefined) return turn.run();
    // Subscribes before an abort can: the claim replays the whole turn to its first subscriber only.
    const result = turn.run();
    const onAbort = () => void turn.interrupt().catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    // An abort between the start's answer and this line has fired already: act on it now.
    if (signal.aborted) onAbort();
    try {
      return await result;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /**
   * The cold form of `run`: starts the turn on subscribe and emits its result. Unsubscribing
   * before the result interrupts the turn on the server.
   */
  run$(input: RunInput, options: TurnOptions = {}): Observable<TurnResult> {
    return this.turn$(input, options).pipe(toTurnResult());
  }

  /**
   * Starts a turn on subscribe and emits its events, from `turn/started` to `turn/completed`.
   * This stream owns the turn: unsubscribing before completion interrupts it on the server.
   */
  turn$(input: RunInput, options: TurnOptions = {}): Observable<TurnEvent> {
    return new Observable<TurnEvent>((subscriber) => {
      let handle: TurnHandle | undefined;
      let events: Subscription | undefined;
      let finished = false;
      let unsubscribed = false;
      // The turn/start request is never abandoned: a turn the server started must be known to be
      // interrupted, so an early unsubscribe waits for the id and then interrupts.
      this.start(input, options, 'claim').then(
        (started) => {
          handle = started;
          if (unsubscribed) {
            void started.interrupt().catch(() => undefined);
            return;
          }
          events = started.events$.subscribe({
            next: (event) => subscriber.next(event),
            error: (error: unknown) => {
              finished = true;
              subscriber.error(error);
            },
            complete: () => {
              finished = true;
              subscriber.complete();
            },
          });
        },
        (error: unknown) => subscriber.error(error),
      );
      return () => {
        unsubscribed = true;
        events?.unsubscribe();
        if (handle !== undefined && !finished) void handle.interrupt().catch(() => undefined);
      };
    });
  }

  /** Starts a turn and returns its handle as soon as the server accepted it. */
  turn(input: RunInput, options: TurnOptions = {}): Promise<TurnHandle> {
    return this.start(input, options, 'replay');
  }

  private async start(input: RunInput, options: TurnOptions, mode: TurnStreamMode): Promise<TurnHandle> {
    const params = this.turnStartParams(input, options);
    const signal = options.signal;
    if (signal?.aborted) throw new DOMException('turn/start: aborted', 'AbortError');
    const release = this.router.expectTurnStart(this.id);
    try {
      // The signal does not abandon the request: a turn the server started must be known, so
      // that an abort during the start can still interrupt it.
      const { turn } = await this.connection.request('turn/start', params);
      const events$ = this.router.turn(turn.id, mode);
      const handle = new TurnHandle(this.connection, this.id, turn.id, events$, () => this.router.release(events$));
      if (signal?.aborted) {
        void handle.interrupt().catch(() => undefined);
        throw new DOMException('turn/start: aborted; the turn was interrupted', 'AbortError');
      }
      return handle;
    } finally {
      release();
    }
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
    if (options.approvalMode !== undefined) Object.assign(params, approvalParams(options.approvalMode, method));
    if (options.sandbox !== undefined) params.sandboxPolicy = sandboxPolicy(options.sandbox, method);
    const copied = ['cwd', 'effort', 'model', 'outputSchema', 'personality', 'serviceTier', 'summary'] as const;
    return Object.assign(params, pickDefined(options, copied));
  }
}
