import { ReplaySubject, throwError, type Observable, type Subscription } from 'rxjs';
import type { DecodeError } from '../errors/decode-error.js';
import { TransportClosedError } from '../errors/transport-closed-error.js';
import type { ServerNotification } from '../protocol/server-notification.js';
import { turnIdOf, type TurnEvent } from './turn-event.js';

interface Channel {
  readonly events: ReplaySubject<TurnEvent>;
  readonly threadId: string | undefined;
  /** Someone asked for this turn with `turn()`; it need not be parked for a pending start. */
  claimed: boolean;
}

/** How many finished turn ids are remembered, so that stragglers for them are dropped, not routed to a new turn. */
const REMEMBERED_FINISHED_TURNS = 1024;

/**
 * Splits one notification stream into per-turn streams, at O(1) per notification whatever the
 * number of live turns (one Map lookup by turn id).
 *
 * A turn's stream replays everything from its first event, so notifications that arrive before
 * anyone asked for the turn (even before the `turn/start` response) are kept, and every
 * subscriber sees the whole turn. The stream completes after `turn/completed`, and the router
 * then forgets the turn: a finished turn leaves nothing behind. The one exception is a turn that
 * completes while a `turn/start` on its thread is still waiting for its response
 * (`expectTurnStart`): it is parked until that start is claimed or released, so the caller
 * cannot miss it. Asking for a turn that finished and was not kept errors at once, rather than
 * waiting forever.
 *
 * @example
 * const router = new TurnRouter(connection.notifications$);
 * const release = router.expectTurnStart(threadId);
 * try {
 *   const { turn } = await connection.request('turn/start', { threadId, input });
 *   router.turn(turn.id).subscribe((event) => console.log(event.method));
 * } finally {
 *   release(); // after the claim: releasing first would drop a turn that already finished
 * }
 */
export class TurnRouter {
  private readonly live = new Map<string, Channel>();
  private readonly parked = new Map<string, Channel>();
  private readonly pendingStarts = new Map<string, number>();
  // Insertion-ordered, so the oldest id is the first to forget.
  private readonly finished = new Set<string>();
  private readonly subscription: Subscription;
  private failure: { readonly error: unknown } | undefined;

  constructor(notifications$: Observable<ServerNotification>) {
    this.subscription = notifications$.subscribe({
      next: (notification) => this.route(notification),
      error: (error: unknown) => this.fail(error),
      complete: () => this.fail(new TransportClosedError('the connection was closed before the turn completed')),
    });
  }

  /** How many turns the router holds (live and parked): zero once every turn has completed. */
  get size(): number {
    return this.live.size + this.parked.size;
  }

  /** The events of one turn, from its first to `turn/completed`, to any number of subscribers. */
  turn(turnId: string): Observable<TurnEvent> {
    const parked = this.parked.get(turnId);
    if (parked !== undefined) {
      this.parked.delete(turnId);
      return parked.events.asObservable();
    }
    if (this.finished.has(turnId)) {
      return throwError(() => new Error(`turn ${turnId} has already completed and its events were not kept`));
    }
    const channel = this.channel(turnId, undefined);
    channel.claimed = true;
    return channel.events.asObservable();
  }

  /**
   * Announces a `turn/start` on a thread. Until the returned function is called, a turn of that
   * thread that completes before being claimed with `turn()` is kept for it.
   */
  expectTurnStart(threadId: string): () => void {
    this.pendingStarts.set(threadId, (this.pendingStarts.get(threadId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.pendingStarts.get(threadId) ?? 1) - 1;
      if (left > 0) {
        this.pendingStarts.set(threadId, left);
        return;
      }
      this.pendingStarts.delete(threadId);
      for (const [turnId, channel] of this.parked) if (channel.threadId === threadId) this.parked.delete(turnId);
    };
  }

  /**
   * The turns of a thread that have events and have not completed. Scans the live turns: for a
   * turn start, never per notification.
   */
  liveTurnIds(threadId: string): ReadonlySet<string> {
    const ids = new Set<string>();
    for (const [turnId, channel] of this.live) if (channel.threadId === threadId) ids.add(turnId);
    return ids;
  }

  /** Stops routing; live turns error with `error`. */
  dispose(error: unknown = new Error('the turn router was disposed')): void {
    this.subscription.unsubscribe();
    this.fail(error);
  }

  private route(notification: ServerNotification): void {
    const turnId = turnIdOf(notification);
    if (turnId === undefined) return;
    let channel = this.live.get(turnId);
    if (channel === undefined) {
      // A straggler for a finished turn (the server may report usage after completion) must not open a turn that never ends.
      if (this.finished.has(turnId)) return;
      channel = this.channel(turnId, threadIdOf(notification));
    }
    const decodeError = (notification as { decodeError?: DecodeError }).decodeError;
    if (decodeError !== undefined) {
      this.forget(turnId);
      channel.events.error(decodeError);
      return;
    }
    channel.events.next(notification);
    if (notification.method === 'turn/completed') {
      this.forget(turnId);
      channel.events.complete();
      if (!channel.claimed && channel.threadId !== undefined && this.pendingStarts.has(channel.threadId)) {
        this.parked.set(turnId, channel);
      }
    }
  }

  private forget(turnId: string): void {
    this.live.delete(turnId);
    this.finished.add(turnId);
    if (this.finished.size > REMEMBERED_FINISHED_TURNS) this.finished.delete(this.finished.values().next().value!);
  }

  private channel(turnId: string, threadId: string | undefined): Channel {
    let channel = this.live.get(turnId);
    if (channel === undefined) {
      channel = { events: new ReplaySubject<TurnEvent>(), threadId, claimed: false };
      if (this.failure !== undefined) channel.events.error(this.failure.error);
      else this.live.set(turnId, channel);
    }
    return channel;
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = { error };
    for (const channel of this.live.values()) channel.events.error(error);
    this.live.clear();
    this.parked.clear();
    this.pendingStarts.clear();
  }
}

function threadIdOf(notification: ServerNotification): string | undefined {
  const threadId = (notification.params as { threadId?: unknown } | null)?.threadId;
  return typeof threadId === 'string' ? threadId : undefined;
}
