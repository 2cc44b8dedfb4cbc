import { Observable, Subject } from 'rxjs';
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
 * const outcome: ReconciledTurn = { turnId, reconstructedItems: 1, completed: true };
 */
export interface ReconciledTurn {
  readonly turnId: string;
  /** Items that completed while the connection was down, emitted as reconstructed `item/completed`. */
  readonly reconstructedItems: number;
  /** The turn ended meanwhile (or the server no longer knows it): a reconstructed `turn/completed` ended it. */
  readonly completed: boolean;
}

/**
 * Keeps the events of turns exactly-once across reconnections. Items are keyed by id within
 * their turn: an item completes once (a repeated `item/completed`, and any `item/started` or delta
 * of an item already completed, are dropped), and after a reconnection the items of the stored
 * turn that were not seen completed live are emitted as reconstructed `item/completed`, followed
 * by a reconstructed `turn/completed` when the stored turn has ended. O(1) per notification: one
 * Map lookup by turn, one by item.
 *
 * @example
 * const reconciler = new TurnReconciler(connection.notifications$);
 * const router = new TurnRouter(reconciler.notifications$);
 * // after a reconnection and `thread/resume`:
 * reconciler.reconcile(threadId, resumed.thread.turns, router.liveTurnIds(threadId));
 */
export class TurnReconciler {
  private readonly items = new Map<string, Map<string, ItemStage>>();
  private readonly injected = new Subject<ServerNotification>();

  /** The notifications, repeats dropped and reconstructed events added. Hot. */
  readonly notifications$: Observable<ServerNotification>;

  constructor(notifications$: Observable<ServerNotification>) {
    this.notifications$ = new Observable<ServerNotification>((subscriber) => {
      const injected = this.injected.subscribe((notification) => subscriber.next(notification));
      const live = notifications$.subscribe({
        next: (notification) => {
          if (this.isNew(notification)) subscriber.next(notification);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        live.unsubscribe();
        injected.unsubscribe();
      };
    });
  }

  /**
   * Brings the client's running turns of a thread in line with the turns the server stored
   * (`thread/resume` or `thread/read` with turns): missed items are emitted, ended turns end. A
   * running turn the server no longer knows (a restarted server that lost it) ends as `failed`.
   */
  reconcile(threadId: string, stored: readonly Turn[], running: ReadonlySet<string>): ReconciledTurn[] {
    const byId = new Map(stored.map((turn) => [turn.id, turn]));
    const outcomes: ReconciledTurn[] = [];
    for (const turnId of running) {
      const turn: Turn = byId.get(turnId) ?? {
        id: turnId,
        items: [],
        status: 'failed',
        error: { message: 'the turn was lost: the app-server no longer knows it after the reconnection (was it restarted?)' },
      };
      const seen = this.itemsOf(turnId);
      let reconstructedItems = 0;
      for (const item of turn.items) {
        if (seen.get(item.id) === 'completed') continue;
        seen.set(item.id, 'completed');
        reconstructedItems += 1;
        const completedAtMs = (item as { completedAtMs?: unknown }).completedAtMs;
        this.inject({
          method: 'item/completed',
          params: { threadId, turnId, item, completedAtMs: typeof completedAtMs === 'number' ? completedAtMs : Date.now() },
        });
      }
      const completed = turn.status !== 'inProgress';
      if (completed) {
        this.items.delete(turnId);
        this.inject({ method: 'turn/completed', params: { threadId, turn } });
      }
      if (reconstructedItems > 0 || completed) outcomes.push({ turnId, reconstructedItems, completed });
    }
    return outcomes;
  }

  /** Ends the reconstructed events (the live ones end with their source). */
  dispose(): void {
    this.injected.complete();
    this.items.clear();
  }

  private inject(notification: ServerNotification): void {
    this.injected.next(markReconstructed(notification));
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
