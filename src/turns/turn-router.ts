import { Observable, Subject, throwError, type Subscription } from 'rxjs';
import type { DecodeError } from '../errors/decode-error.js';
import { TransportClosedError } from '../errors/transport-closed-error.js';
import { TurnGoneError } from './turn-gone-error.js';
import { DirectObservable } from '../internal/direct-observable.js';
import { IdMap } from '../internal/id-map.js';
import type { ServerNotification } from '../protocol/server-notification.js';
import type { TurnDiagnostic } from './turn-diagnostic.js';
import { turnIdOf, type TurnEvent } from './turn-event.js';
import type { TurnObserver } from './turn-observer.js';
import { DEFAULT_TURN_ROUTER_CONFIG, type TurnRouterConfig } from './turn-router-config.js';
import type { TurnStreamMode } from './turn-stream-mode.js';
import { TurnStream } from './turn-stream.js';

interface Channel {
  /** Learnt from the first event that names it when the turn was claimed without it. */
  threadId: string | undefined;
  readonly openedAt: number;
  /** Every event so far, while a stream may still need the whole turn; undefined once none can. */
  buffer: TurnEvent[] | undefined;
  /** Kept apart from the buffer so that a late subscriber still learns that the turn started. */
  first: TurnEvent | undefined;
  /**
   * The observer, while it is the only one (most turns): an event reaches it without a visit to
   * an array, which with many turns in flight is one cache miss per frame fewer.
   */
  sole: TurnObserver | undefined;
  /** The observers when there are two or more. Replaced, never mutated, so that a subscriber leaving during delivery does not skip another. */
  observers: readonly TurnObserver[];
  /** Called once the turn ends: apart from `observers`, so that no event visits them. Replaced, never mutated. */
  endWatchers: readonly (() => void)[];
  end: { readonly failed: boolean; readonly error?: unknown } | undefined;
  /** Streams handed out that may still need the whole turn. */
  holders: number;
  /** Someone asked for this turn with `turn()`; it need not be parked for a pending start. */
  claimed: boolean;
}

/**
 * One stream's claim on its channel's buffer. The finalizer keeps it until the stream is
 * collected, so it must not reference the stream, nor keep a finished turn's events alive:
 * a weak reference lets both go in the same collection.
 */
interface Hold {
  readonly channel: WeakRef<Channel>;
  /** A `'claim'` stream: its first subscriber lets go of the buffer. */
  readonly claim: boolean;
  holding: boolean;
}

type Forgotten = 'completed' | 'dropped';

/** How many finished turn ids are remembered, so that stragglers for them are dropped, not routed to a new turn. */
const REMEMBERED_FINISHED_TURNS = 1024;

const NOTHING: readonly TurnEvent[] = [];
const NO_OBSERVERS: readonly TurnObserver[] = [];

/**
 * Splits one notification stream into per-turn streams, at O(1) per notification whatever the
 * number of live turns (one Map lookup by turn id, then a direct call to each subscriber).
 *
 * Notifications that arrive before anyone asked for the turn (even before the `turn/start`
 * response) are kept, so a stream from `turn()` sees the whole turn. A `'replay'` stream replays
 * it to every subscriber while the stream can still be subscribed to; a `'claim'` stream to its
 * first subscriber only (see `TurnStreamMode`): a turn nobody can subscribe to again costs no
 * buffer. The stream completes after `turn/completed`, and the router then forgets the turn: a
 * finished turn leaves nothing behind. The one exception is a turn that completes while a
 * `turn/start` on its thread is still waiting for its response (`expectTurnStart`): it is parked
 * until that start is claimed or released, so the caller cannot miss it. Asking for a turn that
 * finished and was not kept errors at once, rather than waiting forever.
 *
 * Turns nobody asked for are bounded by count and age (`TurnRouterConfig`); the oldest are
 * dropped with a diagnostic on `diagnostics$`.
 *
 * @example
 * const router = new TurnRouter(connection.notifications$);
 * const release = router.expectTurnStart(threadId);
 * try {
 *   const { turn } = await connection.request('turn/start', { threadId, input: toUserInput('Say hello', 'turn/start') });
 *   router.turn(turn.id).subscribe((event) => console.log(event.method));
 * } finally {
 *   release(); // after the claim: releasing first would drop a turn that already finished
 * }
 */
export class TurnRouter {
  // Looked up once per frame by a freshly parsed id: see IdMap.
  private readonly live = new IdMap<Channel>();
  private readonly parked = new Map<string, Channel>();
  // Insertion-ordered: the oldest unclaimed turn is the first to drop.
  private readonly unclaimed = new Map<string, Channel>();
  private readonly pendingStarts = new Map<string, number>();
  // Insertion-ordered, so the oldest id is the first to forget.
  private readonly finished = new Map<string, Forgotten>();
  private readonly finalizer = new FinalizationRegistry<Hold>((hold) => this.letGo(hold));
  private readonly diagnostics = new Subject<TurnDiagnostic>();
  private readonly config: Required<TurnRouterConfig>;
  private readonly subscription: Subscription;
  private failure: { readonly error: unknown } | undefined;

  /** Unclaimed turns dropped by the bounds of `TurnRouterConfig`. Hot. */
  readonly diagnostics$: Observable<TurnDiagnostic> = this.diagnostics.asObservable();

  constructor(notifications$: Observable<ServerNotification>, config: TurnRouterConfig = {}) {
    this.config = {
      maxUnclaimedTurns: config.maxUnclaimedTurns ?? DEFAULT_TURN_ROUTER_CONFIG.maxUnclaimedTurns,
      unclaimedTurnMaxAgeMs: config.unclaimedTurnMaxAgeMs ?? DEFAULT_TURN_ROUTER_CONFIG.unclaimedTurnMaxAgeMs,
    };
    // Directly, when the connection's stream allows it: every frame crosses this.
    this.subscription = DirectObservable.attach(notifications$, {
      next: (notification) => this.route(notification),
      error: (error: unknown) => this.fail(error),
      complete: () => this.fail(new TransportClosedError('the connection was closed before the turn completed')),
    });
  }

  /** How many turns the router holds (live and parked): zero once every turn has completed. */
  get size(): number {
    return this.live.size + this.parked.size;
  }

  /** How many of the held turns keep a copy of their events for a later subscriber. Counts them all: for checks, not for a hot path. */
  get replaying(): number {
    let count = 0;
    for (const channel of this.live.values()) if (channel.buffer !== undefined) count += 1;
    for (const channel of this.parked.values()) if (channel.buffer !== undefined) count += 1;
    return count;
  }

  /**
   * The events of one turn, from its first to `turn/completed`; `mode` says who gets them all. A
   * `TurnStream` (it can also take a plain observer), unless the turn is already known to be gone.
   * `threadId`, when the caller knows it, counts the turn in `liveTurnIds` before its first event.
   */
  turn(turnId: string, mode: TurnStreamMode = 'replay', threadId?: string): Observable<TurnEvent> {
    const parked = this.parked.get(turnId);
    if (parked !== undefined) {
      this.parked.delete(turnId);
      return this.stream(parked, mode);
    }
    const forgotten = this.finished.get(turnId);
    if (forgotten !== undefined) return throwError(() => new TurnGoneError(turnId, forgotten));
    const channel = this.channel(turnId, threadId, true);
    channel.threadId ??= threadId;
    channel.claimed = true;
    this.unclaimed.delete(turnId);
    return this.stream(channel, mode);
  }

  /**
   * Completes when the turn ends (completed, failed, dropped, or the router stops), at once for a
   * turn the router no longer holds. It neither replays nor keeps the turn's events, so watching a
   * claimed turn's end this way leaves the whole turn to the claim's subscriber.
   */
  ended$(turnId: string): Observable<never> {
    return new Observable<never>((subscriber) => this.whenEnded(turnId, () => subscriber.complete()));
  }

  /**
   * Calls `callback` once when the turn ends (as `ended$` completes), at once for a turn the
   * router no longer holds; returns the function that stops waiting. A plain callback, for the
   * client's own bookkeeping on every turn.
   */
  whenEnded(turnId: string, callback: () => void): () => void {
    const channel = this.live.get(turnId) ?? this.parked.get(turnId);
    if (channel === undefined || channel.end !== undefined) {
      callback();
      return () => undefined;
    }
    channel.endWatchers = [...channel.endWatchers, callback];
    return () => {
      const index = channel.endWatchers.indexOf(callback);
      if (index !== -1) channel.endWatchers = channel.endWatchers.toSpliced(index, 1);
    };
  }

  /**
   * Says that `stream` (from `turn()`) will not be subscribed to again: when no other stream of
   * the turn needs it, the router stops keeping the turn's events. Subscribers keep receiving.
   * A stream that is garbage-collected is released the same way.
   */
  release(stream: Observable<TurnEvent>): void {
    if (stream instanceof TurnStream) stream.release();
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

  /**
   * Tells the router the turns a thread has stored, as a `thread/resume` answer lists them. A
   * running turn counts in `liveTurnIds` before any of its events arrives, so that a `turn/start`
   * the server folds into it is not taken for a new turn. An ended turn is not held open by a late
   * event about it (the server reports a resumed thread's last usage under its last turn's id).
   */
  noteStoredTurns(threadId: string, turns: readonly { readonly id: string; readonly status: string }[]): void {
    if (this.failure !== undefined) return;
    const lastEnded = turns.findLastIndex((turn) => turn.status !== 'inProgress');
    turns.forEach((turn, index) => {
      const channel = this.live.get(turn.id);
      if (turn.status === 'inProgress') {
        if (channel === undefined && !this.parked.has(turn.id) && !this.finished.has(turn.id)) this.channel(turn.id, threadId, false);
      } else if (channel !== undefined ? !channel.claimed : index === lastEnded && !this.finished.has(turn.id)) {
        // Nobody asked for it, and it will send no turn/completed: forget it without a drop diagnostic.
        this.forget(turn.id, 'completed');
      }
    });
  }

  /**
   * Ends a live turn with `error` (for its streams, as if it had failed), when the client can no
   * longer follow it: its thread cannot be resumed after a drop. A later event about it is ignored.
   */
  abandon(turnId: string, error: unknown): void {
    const channel = this.live.get(turnId);
    if (channel === undefined) return;
    this.forget(turnId, 'completed');
    this.end(channel, { failed: true, error });
  }

  /** The ended turns the router still remembers, as of now: a copy, for telling later ends apart. */
  endedTurnIds(): ReadonlySet<string> {
    return new Set(this.finished.keys());
  }

  /** Whether the router saw a turn end (among the ended turns it still remembers). */
  hasEnded(turnId: string): boolean {
    return this.finished.has(turnId);
  }

  /** Whether a turn has not completed yet for the router (asked for, or with events). */
  isLive(turnId: string): boolean {
    return this.live.has(turnId);
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
      channel = this.channel(turnId, threadIdOf(notification), false);
    } else if (channel.threadId === undefined) {
      // Claimed before its first event: a reconnection must know the turn's thread to follow it.
      channel.threadId = threadIdOf(notification);
    }
    const event = notification as TurnEvent;
    const decodeError = (notification as { decodeError?: DecodeError }).decodeError;
    if (decodeError !== undefined) {
      this.forget(turnId, 'completed');
      this.end(channel, { failed: true, error: decodeError });
      return;
    }
    channel.buffer?.push(event);
    channel.first ??= event;
    const sole = channel.sole;
    if (sole !== undefined) {
      sole.next(event);
    } else {
      const observers = channel.observers;
      for (let i = 0; i < observers.length; i += 1) observers[i]!.next(event);
    }
    if (notification.method === 'turn/completed') {
      this.forget(turnId, 'completed');
      this.end(channel, { failed: false });
      if (!channel.claimed && channel.threadId !== undefined && this.pendingStarts.has(channel.threadId)) {
        this.parked.set(turnId, channel);
      }
    }
  }

  private stream(channel: Channel, mode: TurnStreamMode): Observable<TurnEvent> {
    const hold: Hold = { channel: new WeakRef(channel), claim: mode === 'claim', holding: true };
    channel.holders += 1;
    const stream = new TurnStream(
      (observer) => this.open(channel, hold, observer),
      () => this.letGo(hold),
    );
    // A claim is let go by its first subscriber, which comes at once: only a stream that replays
    // needs its collection watched. The stream carries its own hold, with no WeakMap from streams
    // to holds: V8's young-generation collections count a WeakMap's entries as live, so such a
    // map kept every turn's buffered events alive until the next full collection.
    if (!hold.claim) this.finalizer.register(stream, hold, hold);
    return stream;
  }

  /** Attaches one observer of a stream: the replay, then live events; returns its detach. */
  private open(channel: Channel, hold: Hold, observer: TurnObserver): () => void {
    this.attach(channel, observer);
    if (hold.claim) this.letGo(hold);
    return () => {
      if (channel.sole === observer) channel.sole = undefined;
      else channel.observers = channel.observers.filter((other) => other !== observer);
    };
  }

  private attach(channel: Channel, observer: TurnObserver): void {
    const replay = channel.buffer ?? (channel.first === undefined ? NOTHING : [channel.first]);
    // Reads the length on every step: an event routed while replaying is appended and still delivered once.
    for (let i = 0; i < replay.length && observer.closed !== true; i += 1) observer.next(replay[i]!);
    if (observer.closed === true) return;
    const end = channel.end;
    if (end === undefined) {
      if (channel.sole === undefined && channel.observers.length === 0) {
        channel.sole = observer;
      } else {
        channel.observers = channel.sole === undefined ? [...channel.observers, observer] : [channel.sole, observer];
        channel.sole = undefined;
      }
    } else if (end.failed) observer.error(end.error);
    else observer.complete();
  }

  private letGo(hold: Hold): void {
    if (!hold.holding) return;
    hold.holding = false;
    this.finalizer.unregister(hold);
    const channel = hold.channel.deref();
    if (channel === undefined) return;
    channel.holders -= 1;
    if (channel.holders === 0) discard(channel);
  }

  private end(channel: Channel, end: NonNullable<Channel['end']>): void {
    channel.end = end;
    const observers = channel.sole === undefined ? channel.observers : [channel.sole];
    channel.sole = undefined;
    channel.observers = NO_OBSERVERS;
    for (const observer of observers) {
      if (end.failed) observer.error(end.error);
      else observer.complete();
    }
    const watchers = channel.endWatchers;
    channel.endWatchers = [];
    for (const watcher of watchers) watcher();
  }

  private forget(turnId: string, why: Forgotten): void {
    this.live.delete(turnId);
    this.unclaimed.delete(turnId);
    this.finished.set(turnId, why);
    if (this.finished.size > REMEMBERED_FINISHED_TURNS) this.finished.delete(this.finished.keys().next().value!);
  }

  private channel(turnId: string, threadId: string | undefined, claiming: boolean): Channel {
    let channel = this.live.get(turnId);
    if (channel !== undefined) return channel;
    const openedAt = claiming ? 0 : Date.now();
    channel = { threadId, openedAt, buffer: [], first: undefined, sole: undefined, observers: NO_OBSERVERS, endWatchers: [], end: undefined, holders: 0, claimed: false };
    if (this.failure !== undefined) {
      channel.end = { failed: true, error: this.failure.error };
      return channel;
    }
    // A turn of a thread whose turn/start awaits its answer is about to be claimed: it is not bounded.
    if (!claiming && (threadId === undefined || !this.pendingStarts.has(threadId))) {
      this.dropUnclaimed(openedAt);
      this.unclaimed.set(turnId, channel);
    }
    this.live.set(turnId, channel);
    return channel;
  }

  /** Makes room for one more unclaimed turn: drops those held too long, then the oldest over the count. */
  private dropUnclaimed(now: number): void {
    const { maxUnclaimedTurns, unclaimedTurnMaxAgeMs } = this.config;
    for (const [turnId, channel] of this.unclaimed) {
      if (now - channel.openedAt < unclaimedTurnMaxAgeMs) break;
      this.drop(turnId, channel, 'age');
    }
    while (this.unclaimed.size >= maxUnclaimedTurns) {
      const [turnId, channel] = this.unclaimed.entries().next().value!;
      this.drop(turnId, channel, 'count');
    }
  }

  private drop(turnId: string, channel: Channel, reason: TurnDiagnostic['reason']): void {
    this.forget(turnId, 'dropped');
    const events = channel.buffer?.length ?? 0;
    discard(channel);
    const limit =
      reason === 'count'
        ? `more than ${this.config.maxUnclaimedTurns} unclaimed turns (maxUnclaimedTurns)`
        : `unclaimed for ${this.config.unclaimedTurnMaxAgeMs} ms (unclaimedTurnMaxAgeMs)`;
    this.diagnostics.next({
      kind: 'unclaimed-turn-dropped',
      turnId,
      threadId: channel.threadId,
      reason,
      events,
      message: `dropped the ${events} event(s) of turn ${turnId}, which nobody asked for: ${limit}`,
    });
  }

  private fail(error: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = { error };
    for (const channel of this.live.values()) this.end(channel, { failed: true, error });
    this.live.clear();
    this.parked.clear();
    this.unclaimed.clear();
    this.pendingStarts.clear();
    this.diagnostics.complete();
  }
}

/**
 * Stops keeping a channel's events. The array is emptied, not only dropped: V8 may allocate a
 * channel and its buffer straight in the old generation (turns often outlive young objects), and
 * a dropped old array still holding young events would keep them all alive until the next full
 * collection.
 */
function discard(channel: Channel): void {
  if (channel.buffer === undefined) return;
  channel.buffer.length = 0;
  channel.buffer = undefined;
}

function threadIdOf(notification: ServerNotification): string | undefined {
  const threadId = (notification.params as { threadId?: unknown } | null)?.threadId;
  return typeof threadId === 'string' ? threadId : undefined;
}
