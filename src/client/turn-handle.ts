import { catchError, defer, Observable, ReplaySubject, firstValueFrom, fromEvent, lastValueFrom, map, merge, of, take, timer } from 'rxjs';
import { StallWatch } from './stall-watch.js';
import { DEFAULT_RPC_CONNECTION_CONFIG } from '../connection/rpc-connection-config.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import type { TurnInterruptResponse, TurnSteerResponse } from '../protocol/generated/codecs.js';
import { toTurnResult } from '../turns/to-turn-result.js';
import type { TurnEvent } from '../turns/turn-event.js';
import type { RequestOptions, RpcConnection } from '../connection/rpc-connection.js';
import { toUserInput, type RunInput } from './run-input.js';
import type { TurnResult } from '../turns/turn-result.js';

/**
 * The limits of a turn handle.
 *
 * @example
 * const limits: TurnLimits = { requestTimeoutMs: 120_000, stallTimeoutMs: 600_000 };
 */
export interface TurnLimits {
  /** The connection's request timeout in ms, which also bounds `interrupt()`'s wait for the turn to start. */
  readonly requestTimeoutMs?: number;
  /** No progress for this long (ms) ends the turn (see `CodexConfig.turnStallTimeoutMs`); 0 or absent: never. */
  readonly stallTimeoutMs?: number;
}

/**
 * A running turn: its events, its result, and the controls to steer or interrupt it.
 *
 * `events$` holds this turn's notifications only, from `turn/started` to `turn/completed`; every
 * subscriber gets all of them, also those that arrived before it subscribed, until the handle is
 * released (`release()`, or garbage collection). Subscribing does not
 * own the turn: unsubscribing leaves it running (use `thread.run$` or `thread.turn$` for streams
 * that interrupt the turn when dropped).
 *
 * @example
 * const turn = await thread.turn('Refactor foo');
 * turn.events$.pipe(agentTextDeltas()).subscribe((text) => process.stdout.write(text));
 * await turn.steer('Also add tests');
 * const result = await turn.run();
 */
export class TurnHandle {
  /** This turn's notifications. Cold per subscriber, replaying from the first. */
  readonly events$: Observable<TurnEvent>;
  /** The turn's result, once it completes (errors with `TurnFailedError` when it failed). */
  readonly result$: Observable<TurnResult>;
  private readonly requestTimeoutMs: number;
  private readonly stallEnded = new ReplaySubject<void>(1);
  /**
   * Emits once when the stall policy ended the turn (stored result or `TurnStalledError`): the
   * server may never report that end, and the thread's next turn must not wait for it.
   *
   * @internal
   */
  readonly stallEnded$: Observable<void> = this.stallEnded.asObservable();
  /** The turn's first event, as the server sent it: the interrupt of a stalled turn waits for it too. */
  private readonly started$: Observable<undefined>;

  constructor(
    private readonly connection: RpcConnection,
    /** The thread the turn runs in. */
    readonly threadId: string,
    /** The turn's id. */
    readonly id: string,
    events$: Observable<TurnEvent>,
    limits: TurnLimits = {},
    private readonly releaseEvents: () => void = () => undefined,
  ) {
    this.requestTimeoutMs = limits.requestTimeoutMs ?? DEFAULT_RPC_CONNECTION_CONFIG.requestTimeoutMs;
    this.started$ = events$.pipe(take(1), map(() => undefined));
    const stallTimeoutMs = limits.stallTimeoutMs ?? 0;
    if (stallTimeoutMs > 0) {
      // One watch per turn, started by its first subscriber (the thread's, at the start).
      let watch: StallWatch | undefined;
      const config = { connection, threadId, turnId: id, stallTimeoutMs, interrupt: () => this.interrupt() };
      // The consumer's subscription comes first and the watch's second: a claimed stream replays
      // the whole turn to its first subscriber only, and the watch needs no more than live events.
      // One Observable rather than an operator chain: each event of every turn in flight crosses it.
      this.events$ = new Observable<TurnEvent>((subscriber) => {
        let stall: StallWatch | undefined;
        // The turn's events and the verdict; the stream completes when both have, or at `turn/completed`.
        let open = 2;
        const deliver = (event: TurnEvent) => {
          subscriber.next(event);
          if (event.method === 'turn/completed') subscriber.complete();
        };
        const ended = {
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            open -= 1;
            if (open === 0) subscriber.complete();
          },
        };
        subscriber.add(
          events$.subscribe({
            ...ended,
            // Once the watch has found the turn stalled, its verdict is the end: an interrupt's own
            // `turn/completed` must not pass for a normal end.
            next: (event) => {
              if (stall?.ending !== true) deliver(event);
            },
          }),
        );
        // A turn that had ended already replayed to its end during that subscribe.
        if (subscriber.closed) return;
        if (watch === undefined) {
          watch = new StallWatch(events$, config);
          // A verdict ends the turn for this client even when the server never reports its end.
          watch.verdict$.subscribe({ next: () => this.stallEnded.next(), error: () => this.stallEnded.next() });
        }
        stall = watch;
        subscriber.add(watch.verdict$.subscribe({ ...ended, next: deliver }));
      });
    } else {
      this.events$ = events$;
    }
    this.result$ = this.events$.pipe(toTurnResult());
  }

  /** Waits for the turn to finish. Rejects with the turn's error message when it failed; resolves with status `interrupted` when interrupted. */
  run(): Promise<TurnResult> {
    return lastValueFrom(this.result$);
  }

  /**
   * Says that `events$` and `result$` will not be subscribed to again, so the client stops keeping
   * the turn's events for a late subscriber (as it does once the handle is garbage-collected).
   * Subscriptions already made keep receiving; `steer` and `interrupt` still work.
   */
  release(): void {
    this.releaseEvents();
  }

  /** Adds input to the running turn. The turn keeps its id. */
  steer(input: RunInput, options: RequestOptions = {}): Promise<TurnSteerResponse> {
    return this.connection.request(
      'turn/steer',
      { threadId: this.threadId, expectedTurnId: this.id, input: toUserInput(input, 'turn/steer') },
      options,
    );
  }

  /**
   * Asks the server to stop the turn; its result then has status `interrupted`. The server knows
   * a turn as active only from `turn/started` on (before, it answers "no active turn"), so the
   * request waits for the turn's first event, which the turn's stream replays once seen. That wait
   * counts against the request's `timeoutMs` (else the connection's request timeout) and ends
   * with its `signal`: a silent server fails the call with `RequestTimeoutError`, an abort with
   * `AbortError`.
   */
  async interrupt(options: RequestOptions = {}): Promise<TurnInterruptResponse> {
    const method = 'turn/interrupt';
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    const startedAt = Date.now();
    const limits: Observable<never>[] = [];
    if (timeoutMs > 0) {
      limits.push(timer(timeoutMs).pipe(map(() => {
        throw new RequestTimeoutError(method, timeoutMs);
      })));
    }
    const signal = options.signal;
    if (signal !== undefined) {
      limits.push(defer(() => (signal.aborted ? of(undefined) : fromEvent(signal, 'abort'))).pipe(map(() => {
        throw new DOMException(`${method}: aborted before the turn started`, 'AbortError');
      })));
    }
    // An error of the events (the connection closed) also ends the wait: the request then fails as it would.
    await firstValueFrom(merge(...limits, this.started$.pipe(catchError(() => of(undefined)))), { defaultValue: undefined });
    const left = timeoutMs > 0 ? Math.max(1, timeoutMs - (Date.now() - startedAt)) : 0;
    return this.connection.request(method, { threadId: this.threadId, turnId: this.id }, { ...options, timeoutMs: left });
  }
}
