import { Observable, type Observer, type Subscription } from 'rxjs';
import type { RpcConnection } from '../connection/rpc-connection.js';
import type { TurnError } from '../protocol/generated/codecs.js';
import type { TurnEvent } from '../turns/turn-event.js';
import { TurnStalledError } from '../turns/turn-stalled-error.js';
import type { StallCheckOutcome } from '../telemetry/turn-telemetry.js';

/**
 * What a `StallWatch` needs to know of the turn it watches.
 *
 * @example
 * const config: StallWatchConfig = { connection, threadId, turnId, stallTimeoutMs: 600_000, interrupt: () => turn.interrupt() };
 */
export interface StallWatchConfig {
  readonly connection: RpcConnection;
  readonly threadId: string;
  readonly turnId: string;
  /** No progress for this long (ms) makes the turn stalled. */
  readonly stallTimeoutMs: number;
  /** Stops the turn on the server. */
  readonly interrupt: () => Promise<unknown>;
  /** Told what each check found (telemetry records it). */
  readonly onCheck?: ((outcome: StallCheckOutcome) => void) | undefined;
}

/** How a watch ends: with the stored end of a turn whose events were lost, with none (the turn ended by itself), or with an error. */
type Verdict = { readonly event?: TurnEvent } | { readonly error: unknown };

/** How many times per stall timeout the watch looks for progress. */
const TICKS_PER_TIMEOUT = 4;

/** How many of the thread's latest turns are asked for when looking for the stalled one (it is the latest, or nearly). */
const STORED_TURNS_PAGE = 5;

/**
 * Items whose work runs outside the model (a command, a patch, a tool, a subagent, a sleep): while
 * one is open, silence is that work taking its time, bounded by its own timeouts, not a stall.
 */
const LOCAL_WORK_ITEMS: ReadonlySet<string> = new Set([
  'commandExecution',
  'fileChange',
  'mcpToolCall',
  'dynamicToolCall',
  'collabAgentToolCall',
  'sleep',
]);

/**
 * Watches a turn's events and tells how a stalled turn ends. Every event but an error the server
 * will retry is progress. After `stallTimeoutMs` without progress (found within a quarter of it
 * after it has passed), a turn with an item of local
 * work open (a command running, a tool call) is not stalled; otherwise it asks the server: a thread
 * waiting for a person (an approval, a question) is not stalled; a turn the server has stored as
 * finished ends with a `turn/completed` built from it (its events were lost); a turn still
 * running is interrupted and ends with a `TurnStalledError`.
 *
 * `verdict$` emits that `turn/completed` or errors with that error; it completes without a value
 * when the events end first. Once `ending` is true the turn's own events no longer count: the
 * verdict is the end (an interrupt's `turn/completed` must not pass for a normal end).
 *
 * @example
 * import { merge, takeWhile } from 'rxjs';
 *
 * const watch = new StallWatch(router.turn(turnId), {
 *   connection,
 *   threadId,
 *   turnId,
 *   stallTimeoutMs: 600_000,
 *   interrupt: () => connection.request('turn/interrupt', { threadId, turnId }),
 * });
 * const events$ = merge(router.turn(turnId).pipe(takeWhile(() => !watch.ending)), watch.verdict$).pipe(
 *   takeWhile((e) => e.method !== 'turn/completed', true),
 * );
 */
export class StallWatch {
  /** The end of a stalled turn; completes empty when the turn ends by itself. */
  get verdict$(): Observable<TurnEvent> {
    return new Observable<TurnEvent>((subscriber) => this.onVerdict(subscriber));
  }

  /** Who waits for the verdict: plain observers, as every turn has a watch and most never get a verdict. */
  private verdictObservers: Partial<Observer<TurnEvent>>[] = [];
  private verdict: Verdict | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Whether an event came since the last tick. */
  private progressed = false;
  private progressProbe: (() => boolean) | undefined;
  /** How long the turn has been silent, counted in whole ticks. */
  private quietMs = 0;
  private readonly tickMs: number;
  private lastRetryError: TurnError | null = null;
  /** The open items of local work (see `LOCAL_WORK_ITEMS`), by id. */
  private readonly localWork = new Set<string>();
  private stalled = false;
  private readonly watch: Subscription | undefined;

  /**
   * Watches `events$`, or, without it, the events its one consumer hands to `note` and `end` (a
   * turn's only reader feeds the watch itself rather than paying for a second subscription).
   */
  constructor(
    events$: Observable<TurnEvent> | undefined,
    private readonly config: StallWatchConfig,
  ) {
    this.tickMs = Math.max(1, Math.ceil(config.stallTimeoutMs / TICKS_PER_TIMEOUT));
    this.watch = events$?.subscribe({
      next: (event) => this.note(event),
      error: () => this.end(),
      complete: () => this.end(),
    });
    // A turn that had ended already replays to its end during subscribe.
    if (this.decided) this.watch?.unsubscribe();
    else this.arm();
  }

  /** One event of the turn. Every event but an error the server will retry is progress. */
  note(event: TurnEvent): void {
    if (event.method === 'error' && event.params.willRetry) {
      this.lastRetryError = event.params.error;
      return;
    }
    this.progressed = true;
    if (event.method === 'item/started' && LOCAL_WORK_ITEMS.has(event.params.item.type)) this.localWork.add(event.params.item.id);
    else if (event.method === 'item/completed' && this.localWork.size > 0) this.localWork.delete(event.params.item.id);
  }

  /**
   * Also counts as progress what `probe` reports at each tick (it answers whether an event came
   * since it was last asked): the turn's one reader may note its most common events itself.
   */
  readProgressFrom(probe: () => boolean): void {
    this.progressProbe = probe;
  }

  /** The turn's events have ended (or failed): no verdict is needed, unless it was found stalled, when the check decides. */
  end(): void {
    if (!this.stalled) this.decide({});
  }

  private get decided(): boolean {
    return this.verdict !== undefined;
  }

  /** Whether the turn was found stalled and is being ended by the verdict. */
  get ending(): boolean {
    return this.stalled;
  }

  // Progress only sets a flag: reading the clock, or arming a timer, per event would cost every
  // event of every turn in flight. One timer ticks a few times per timeout instead, and the turn
  // counts as silent for the ticks in which nothing came: a stall is found between the timeout
  // and a quarter of it later.
  private arm(): void {
    if (this.decided) return;
    this.progressed = false;
    this.quietMs = 0;
    this.stopTicking();
    this.timer = setInterval(() => this.tick(), this.tickMs);
    // A watch must not keep the process alive on its own.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private tick(): void {
    if (this.decided) return;
    const probed = this.progressProbe?.() === true;
    if (this.progressed || probed) {
      this.progressed = false;
      this.quietMs = 0;
      return;
    }
    this.quietMs += this.tickMs;
    if (this.quietMs < this.config.stallTimeoutMs) return;
    this.stopTicking();
    void this.check();
  }

  private stopTicking(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async check(): Promise<void> {
    const { connection, threadId, turnId, stallTimeoutMs } = this.config;
    if (this.localWork.size > 0) {
      this.config.onCheck?.('local-work');
      this.arm();
      return;
    }
    try {
      const { thread } = await connection.request('thread/read', { threadId, includeTurns: false });
      if (this.decided) return;
      if (thread.status.type === 'active' && thread.status.activeFlags.length > 0) {
        this.config.onCheck?.('waiting-for-person');
        this.arm();
        return;
      }
      this.stalled = true;
      const page = await connection.request('thread/turns/list', { threadId, sortDirection: 'desc', limit: STORED_TURNS_PAGE, itemsView: 'full' });
      const stored = page.data.find((turn) => turn.id === turnId);
      if (stored !== undefined && stored.status !== 'inProgress') {
        this.config.onCheck?.('stored-end');
        this.decide({ event: { method: 'turn/completed', params: { threadId, turn: stored } } });
        return;
      }
      this.config.onCheck?.('stalled');
      await this.config.interrupt();
    } catch {
      // A server that cannot be asked, or cannot interrupt, leaves the turn stalled all the same.
    }
    this.decide({ error: new TurnStalledError(threadId, turnId, stallTimeoutMs, this.lastRetryError) });
  }

  /**
   * Tells `observer` the verdict: at once when it is known, else when it is. Returns the function
   * that stops waiting. (`verdict$` is the same as an Observable.)
   */
  onVerdict(observer: Partial<Observer<TurnEvent>>): () => void {
    const verdict = this.verdict;
    if (verdict !== undefined) {
      deliver(verdict, observer);
      return () => undefined;
    }
    this.verdictObservers = [...this.verdictObservers, observer];
    return () => {
      this.verdictObservers = this.verdictObservers.filter((other) => other !== observer);
    };
  }

  private decide(verdict: Verdict): void {
    if (this.decided) return;
    this.verdict = verdict;
    this.stopTicking();
    this.watch?.unsubscribe();
    const observers = this.verdictObservers;
    this.verdictObservers = [];
    for (const observer of observers) deliver(verdict, observer);
  }
}

function deliver(verdict: Verdict, observer: Partial<Observer<TurnEvent>>): void {
  if ('error' in verdict) {
    observer.error?.(verdict.error);
    return;
  }
  if (verdict.event !== undefined) observer.next?.(verdict.event);
  observer.complete?.();
}
