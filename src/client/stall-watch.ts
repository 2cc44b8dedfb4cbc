import { ReplaySubject, type Observable, type Subscription } from 'rxjs';
import type { RpcConnection } from '../connection/rpc-connection.js';
import type { TurnError } from '../protocol/generated/codecs.js';
import type { TurnEvent } from '../turns/turn-event.js';
import { TurnStalledError } from '../turns/turn-stalled-error.js';

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
}

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
 * will retry is progress. After `stallTimeoutMs` without progress, a turn with an item of local
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
  readonly verdict$: Observable<TurnEvent>;
  private readonly verdict = new ReplaySubject<TurnEvent>(1);
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the turn last made progress (`performance.now()`). */
  private lastProgressAt = 0;
  private lastRetryError: TurnError | null = null;
  /** The open items of local work (see `LOCAL_WORK_ITEMS`), by id. */
  private readonly localWork = new Set<string>();
  private decided = false;
  private stalled = false;
  private readonly watch: Subscription;

  constructor(
    events$: Observable<TurnEvent>,
    private readonly config: StallWatchConfig,
  ) {
    this.verdict$ = this.verdict.asObservable();
    this.watch = events$.subscribe({
      next: (event) => {
        if (event.method === 'error' && event.params.willRetry) {
          this.lastRetryError = event.params.error;
          return;
        }
        this.lastProgressAt = performance.now();
        if (event.method === 'item/started' && LOCAL_WORK_ITEMS.has(event.params.item.type)) this.localWork.add(event.params.item.id);
        else if (event.method === 'item/completed' && this.localWork.size > 0) this.localWork.delete(event.params.item.id);
      },
      // Once found stalled, the check decides: the end of an interrupted turn is not a normal end.
      error: () => this.stalled || this.decide(() => this.verdict.complete()),
      complete: () => this.stalled || this.decide(() => this.verdict.complete()),
    });
    // A turn that had ended already replays to its end during subscribe.
    if (this.decided) this.watch.unsubscribe();
    else this.arm();
  }

  /** Whether the turn was found stalled and is being ended by the verdict. */
  get ending(): boolean {
    return this.stalled;
  }

  // Progress only moves a timestamp: a timer per event would allocate one per frame, and at many
  // turns in flight each would live long enough to be promoted. The one timer, when it fires,
  // waits again for what is left since the last progress.
  private arm(): void {
    if (this.decided) return;
    this.lastProgressAt = performance.now();
    this.wait(this.config.stallTimeoutMs);
  }

  private wait(ms: number): void {
    this.timer = setTimeout(() => this.expire(), ms);
    // A watch must not keep the process alive on its own.
    (this.timer as { unref?: () => void }).unref?.();
  }

  private expire(): void {
    if (this.decided) return;
    const left = this.lastProgressAt + this.config.stallTimeoutMs - performance.now();
    if (left > 0) this.wait(left);
    else void this.check();
  }

  private async check(): Promise<void> {
    const { connection, threadId, turnId, stallTimeoutMs } = this.config;
    if (this.localWork.size > 0) {
      this.arm();
      return;
    }
    try {
      const { thread } = await connection.request('thread/read', { threadId, includeTurns: false });
      if (this.decided) return;
      if (thread.status.type === 'active' && thread.status.activeFlags.length > 0) {
        this.arm();
        return;
      }
      this.stalled = true;
      const page = await connection.request('thread/turns/list', { threadId, sortDirection: 'desc', limit: STORED_TURNS_PAGE, itemsView: 'full' });
      const stored = page.data.find((turn) => turn.id === turnId);
      if (stored !== undefined && stored.status !== 'inProgress') {
        this.decide(() => {
          this.verdict.next({ method: 'turn/completed', params: { threadId, turn: stored } });
          this.verdict.complete();
        });
        return;
      }
      await this.config.interrupt();
    } catch {
      // A server that cannot be asked, or cannot interrupt, leaves the turn stalled all the same.
    }
    this.decide(() => this.verdict.error(new TurnStalledError(threadId, turnId, stallTimeoutMs, this.lastRetryError)));
  }

  private decide(end: () => void): void {
    if (this.decided) return;
    this.decided = true;
    clearTimeout(this.timer);
    this.watch?.unsubscribe();
    end();
  }
}
