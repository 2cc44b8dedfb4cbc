import { Subject, type Observable, type Observer } from 'rxjs';
import { DirectObservable } from '../internal/direct-observable.js';
import { IdMap } from '../internal/id-map.js';
import type { Turn } from '../protocol/generated/codecs.js';
import type { ServerNotification } from '../protocol/server-notification.js';
import { markReconstructed } from './is-reconstructed.js';
import { turnIdOf } from './turn-event.js';

/** How far the client has seen an item of a running turn. */
type ItemStage = 'started' | 'completed';

/**
 * What `reconcile` rebuilt for one turn.
 *
 * @example
 * const outcome: ReconciledTurn = { turnId, reconstructedItems: 1, completed: true, status: 'completed' };
 */
export interface ReconciledTurn {
  readonly turnId: string;
  /** Items that completed while the connection was down, emitted as reconstructed `item/completed`. */
  readonly reconstructedItems: number;
  /** The turn ended meanwhile (or the server no longer knows it): a reconstructed `turn/completed` ended it. */
  readonly completed: boolean;
  /** The turn's status in the stored state. */
  readonly status: Turn['status'];
}

/** How often the live end of a crossed turn reads the stored turn while the store still shows it running (about 3.6 s in all). */
const STORED_END_READS = 9;

/**
 * Keeps the events of turns exactly-once across reconnections. Items are keyed by id within
 * their turn: an item completes once (a repeated `item/completed`, and any `item/started` or delta
 * of an item already completed, are dropped), and after a reconnection the items of the stored
 * turn that were not seen completed live are emitted as reconstructed `item/completed` (an item the
 * stored turn shows still `inProgress` is left to its live completion), followed
 * by a reconstructed `turn/completed` when the stored turn has ended. O(1) per notification: one
 * Map lookup by turn, one by item.
 *
 * @example
 * const reconciler = new TurnReconciler(connection.notifications$);
 * const router = new TurnRouter(reconciler.notifications$);
 * // after a reconnection:
 * const resumed = await connection.request('thread/resume', { threadId });
 * reconciler.reconcile(threadId, resumed.thread.turns, router.liveTurnIds(threadId));
 */
export class TurnReconciler {
  // Looked up once per frame by a freshly parsed turn id: see IdMap.
  private readonly items = new IdMap<Map<string, ItemStage>>();
  /** Turns that were running across a reconnection, by id, with their thread: checked until they end. */
  private readonly crossed = new Map<string, string>();
  /** How many reads in a row showed a crossed turn as interrupted. */
  private readonly interruptedReads = new Map<string, number>();
  private readonly injected = new Subject<ServerNotification>();

  /** The notifications, repeats dropped and reconstructed events added. Hot. (A `DirectObservable` inside the library.) */
  readonly notifications$: Observable<ServerNotification>;

  constructor(
    notifications$: Observable<ServerNotification>,
    /**
     * Reads a turn as the server stored it: with it, the live end of a turn that crossed a
     * reconnection waits for one last read, so that items sent while no connection listened (and
     * missing from the end, whose items may be empty) are not lost.
     */
    private readonly readStoredTurn?: (threadId: string, turnId: string) => Promise<Turn | undefined>,
  ) {
    // The same for a subscriber and for a plain observer (one call per frame, no Subscriber chain).
    const connect = (sink: Partial<Observer<ServerNotification>>): (() => void) => {
      const emit = (notification: ServerNotification): void => sink.next?.(notification);
      const injected = this.injected.subscribe(emit);
      const live = DirectObservable.attach(notifications$, {
        next: (notification) => {
          if (notification.method === 'turn/completed') {
            if (this.endAfterLastRead(notification, emit)) return;
            this.completeMissedItems(notification, emit);
          }
          if (this.isNew(notification)) sink.next?.(notification);
        },
        error: (error: unknown) => sink.error?.(error),
        complete: () => sink.complete?.(),
      });
      return () => {
        live.unsubscribe();
        injected.unsubscribe();
      };
    };
    this.notifications$ = new DirectObservable<ServerNotification>(connect, connect);
  }

  /**
   * Brings the client's running turns of a thread in line with the turns the server stored
   * (`thread/resume` or `thread/read` with turns): missed items are emitted, ended turns end. A
   * running turn the server no longer knows (a restarted server that lost it) ends as `failed`.
   * A stored `interrupted` is taken as the end only when the thread is not active and a second
   * read shows it too: just after a turn ends (or while it still runs), the server can show it as
   * interrupted before its real end reaches the stored history.
   */
  reconcile(threadId: string, stored: readonly Turn[], running: ReadonlySet<string>, threadActive = false): ReconciledTurn[] {
    const byId = new Map(stored.map((turn) => [turn.id, turn]));
    const outcomes: ReconciledTurn[] = [];
    for (const turnId of running) {
      const turn: Turn = byId.get(turnId) ?? {
        id: turnId,
        items: [],
        status: 'failed',
        error: { message: 'the turn was lost: the app-server no longer knows it after the reconnection (was it restarted?)' },
      };
      const missed = this.missedItems(threadId, turn);
      for (const event of missed) this.injected.next(event);
      const reconstructedItems = missed.length;
      const completed = turn.status === 'interrupted' ? this.interruptedAgain(turnId, threadActive) : turn.status !== 'inProgress';
      if (!completed) this.crossed.set(turnId, threadId);
      if (completed) {
        this.items.delete(turnId);
        this.crossed.delete(turnId);
        this.interruptedReads.delete(turnId);
        this.injected.next(markReconstructed({ method: 'turn/completed', params: { threadId, turn } }));
      }
      if (reconstructedItems > 0 || completed) outcomes.push({ turnId, reconstructedItems, completed, status: turn.status });
    }
    return outcomes;
  }

  /**
   * Notes the running turns of a thread as crossing a reconnection, before the thread is resumed
   * on the new connection. The server may send a turn's live events, its end included, before the
   * answer to the resume (or in the same chunk, read before the answer's continuation runs): an end
   * that comes first is then held for a read of the stored turn, instead of ending the turn without
   * the items sent while no connection listened.
   */
  noteCrossing(threadId: string, turnIds: Iterable<string>): void {
    for (const turnId of turnIds) this.crossed.set(turnId, threadId);
  }

  /**
   * The turns still running that crossed a reconnection, by id, with their thread. The state the
   * server reports at a resume can lag behind what it sent before it (an item or the end of a turn
   * sent while no connection listened may be missing from it), so these are worth checking again
   * with `reconcile` until they end.
   */
  get crossedTurns(): ReadonlyMap<string, string> {
    return this.crossed;
  }

  /** Ends the reconstructed events (the live ones end with their source). */
  dispose(): void {
    this.injected.complete();
    this.items.clear();
    this.crossed.clear();
    this.interruptedReads.clear();
  }

  private interruptedAgain(turnId: string, threadActive: boolean): boolean {
    const reads = threadActive ? 0 : (this.interruptedReads.get(turnId) ?? 0) + 1;
    this.interruptedReads.set(turnId, reads);
    return reads >= 2;
  }

  /**
   * The live end of a turn that crossed a reconnection, when the stored turn can be read: held
   * until one last read has brought the items missed during the gap, then emitted after them.
   * False when the end passes at once.
   */
  private endAfterLastRead(notification: Extract<ServerNotification, { method: 'turn/completed' }>, emit: (event: ServerNotification) => void): boolean {
    const { threadId, turn } = notification.params;
    if (this.readStoredTurn === undefined || !this.crossed.has(turn.id)) return false;
    this.crossed.delete(turn.id);
    this.interruptedReads.delete(turn.id);
    const end = (stored: Turn | undefined): void => {
      // Ended meanwhile by a re-read that found the stored end first.
      if (!this.items.has(turn.id)) return;
      this.crossed.delete(turn.id);
      if (stored !== undefined) for (const event of this.missedItems(threadId, { ...stored, status: turn.status })) emit(event);
      if (Array.isArray(turn.items)) for (const event of this.missedItems(threadId, turn)) emit(event);
      // The end carries the stored items (the live end lists few or none): their order is the
      // turn's, which the result follows once items were rebuilt after others seen live.
      const ended = stored === undefined ? notification : withItems(notification, stored.items);
      if (this.isNew(ended)) emit(ended);
    };
    const read = (attempt: number): void => {
      this.readStoredTurn!(threadId, turn.id).then(
        (stored) => {
          // The store can lag behind the live end: while it shows the turn running, its last
          // items may not be written yet, so it is read again, a few times, before the end passes.
          if (stored?.status === 'inProgress' && attempt < STORED_END_READS) setTimeout(() => read(attempt + 1), 100 * attempt);
          else end(stored);
        },
        () => end(undefined),
      );
    };
    read(1);
    return true;
  }

  /**
   * Before the live end of a turn that crossed a reconnection: the items its completion lists that
   * were never seen completed (sent during the gap, after the state read at the resume).
   */
  private completeMissedItems(notification: Extract<ServerNotification, { method: 'turn/completed' }>, emit: (missed: ServerNotification) => void): void {
    const { threadId, turn } = notification.params;
    this.interruptedReads.delete(turn.id);
    if (!this.crossed.delete(turn.id) || !Array.isArray(turn.items)) return;
    for (const event of this.missedItems(threadId, turn)) emit(event);
  }

  /** Reconstructed `item/completed` events for the items of `turn` not seen completed, now counted as seen. */
  private missedItems(threadId: string, turn: Turn): ServerNotification[] {
    const seen = this.itemsOf(turn.id);
    const missed: ServerNotification[] = [];
    const running = turn.status === 'inProgress';
    for (const item of turn.items) {
      if (seen.get(item.id) === 'completed') continue;
      // A command (or file change, tool call) still running in a running turn has not completed:
      // its live completion, or a later read, brings its output and final status.
      if (running && (item as { status?: unknown }).status === 'inProgress') continue;
      seen.set(item.id, 'completed');
      const completedAtMs = (item as { completedAtMs?: unknown }).completedAtMs;
      const params = { threadId, turnId: turn.id, item, completedAtMs: typeof completedAtMs === 'number' ? completedAtMs : Date.now() };
      missed.push(markReconstructed({ method: 'item/completed', params }));
    }
    return missed;
  }

  /** Per frame: false for a repeat of what this turn has already shown. */
  private isNew(notification: ServerNotification): boolean {
    const turnId = turnIdOf(notification);
    if (turnId === undefined) return true;
    if (notification.method === 'turn/completed') {
      this.items.delete(turnId);
      return true;
    }
    const params = notification.params as { itemId?: unknown; item?: { id?: unknown } };
    const itemId = typeof params.itemId === 'string' ? params.itemId : params.item?.id;
    if (typeof itemId !== 'string') return true;
    const seen = this.itemsOf(turnId);
    const stage = seen.get(itemId);
    if (stage === 'completed') return false;
    if (notification.method === 'item/completed') seen.set(itemId, 'completed');
    else if (notification.method === 'item/started') {
      if (stage === 'started') return false;
      seen.set(itemId, 'started');
    }
    return true;
  }

  private itemsOf(turnId: string): Map<string, ItemStage> {
    let seen = this.items.get(turnId);
    if (seen === undefined) {
      seen = new Map();
      this.items.set(turnId, seen);
    }
    return seen;
  }
}

/** The same live end, its turn listing the stored items, then any item only the end lists. */
function withItems(notification: Extract<ServerNotification, { method: 'turn/completed' }>, stored: Turn['items']): ServerNotification {
  const live = Array.isArray(notification.params.turn.items) ? notification.params.turn.items : [];
  const ids = new Set(stored.map((item) => item.id));
  const items = [...stored, ...live.filter((item) => !ids.has(item.id))];
  return { ...notification, params: { ...notification.params, turn: { ...notification.params.turn, items } } };
}
