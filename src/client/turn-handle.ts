import { catchError, defer, Observable, firstValueFrom, fromEvent, map, merge, of, take, throwError, timer } from 'rxjs';
import { StallWatch } from './stall-watch.js';
import { TurnReader, type TurnReaderSettle } from './turn-reader.js';
import { TurnStream } from '../turns/turn-stream.js';
import { DEFAULT_RPC_CONNECTION_CONFIG } from '../connection/rpc-connection-config.js';
import { RequestTimeoutError } from '../errors/request-timeout-error.js';
import type { TurnInterruptResponse, TurnSteerResponse } from '../protocol/generated/codecs.js';
import { toTurnResult } from '../turns/to-turn-result.js';
import type { TurnEvent } from '../turns/turn-event.js';
import type { RequestOptions, RpcConnection } from '../connection/rpc-connection.js';
import { toUserInput, type RunInput } from './run-input.js';
import type { TurnResult } from '../turns/turn-result.js';
import type { DeepPartial } from '../schema/deep-partial.js';
import type { ResolvedSchema } from '../schema/resolved-schema.js';
import { SchemaError } from '../schema/schema-error.js';
import { partialOutput } from '../operators/partial-output.js';
import type { StallCheckOutcome } from '../telemetry/turn-telemetry.js';

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
  /** Told what each stall check found (telemetry records it). */
  readonly onStallCheck?: (outcome: StallCheckOutcome) => void;
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
export class TurnHandle<T = unknown> {
  /** This turn's notifications. Cold per subscriber, replaying from the first. */
  readonly events$: Observable<TurnEvent>;
  private readonly requestTimeoutMs: number;
  /** Called once the stall policy ends the turn; `true` once it has. */
  private stallEndListeners: (() => void)[] | true = [];
  /** The turn's events as the router sends them: the interrupt of a stalled turn waits for the first one too. */
  private readonly source$: Observable<TurnEvent>;
  private resultStream: Observable<TurnResult> | undefined;

  /** The router's stream, when it can take a plain observer: `run()` then reads it without a subscriber chain. */
  private readonly direct: TurnStream | undefined;
  private readonly stallTimeoutMs: number;
  private readonly onStallCheck: ((outcome: StallCheckOutcome) => void) | undefined;
  /** The turn's stall watch, made by its first reader (see `stallWatch`). */
  private watch: StallWatch | undefined;

  constructor(
    private readonly connection: RpcConnection,
    /** The thread the turn runs in. */
    readonly threadId: string,
    /** The turn's id. */
    readonly id: string,
    events$: Observable<TurnEvent>,
    limits: TurnLimits = {},
    private readonly releaseEvents: () => void = () => undefined,
    /** The `output` schema the turn was started with. */
    private readonly output?: ResolvedSchema<T>,
  ) {
    this.requestTimeoutMs = limits.requestTimeoutMs ?? DEFAULT_RPC_CONNECTION_CONFIG.requestTimeoutMs;
    this.source$ = events$;
    this.direct = events$ instanceof TurnStream ? events$ : undefined;
    this.stallTimeoutMs = limits.stallTimeoutMs ?? 0;
    this.onStallCheck = limits.onStallCheck;
    if (this.stallTimeoutMs > 0) {
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
        stall = this.stallWatch(events$);
        subscriber.add(stall.onVerdict({ ...ended, next: deliver }));
      });
    } else {
      this.events$ = events$;
    }
  }

  /**
   * The turn's typed output as it streams, for a turn started with an `output` schema:
   * deep-partial values of the final answer, parsed incrementally from its deltas, then the
   * validated value (see `partialOutput`). Errors with `OutputValidationError` when the answer
   * is not valid, and with `SchemaError` on a turn started without `output`.
   *
   * @example
   * import { z } from 'zod';
   *
   * const handle = await thread.turn('Review the diff', { output: z.object({ findings: z.array(z.string()) }) });
   * handle.output$.subscribe((soFar) => console.log(soFar.findings?.length ?? 0, 'findings so far'));
   */
  get output$(): Observable<DeepPartial<T>> {
    const output = this.output;
    if (output === undefined) {
      return throwError(() => new SchemaError([{ path: '$', message: 'this turn was started without an output schema' }], 'no output$'));
    }
    return this.events$.pipe(partialOutput(output));
  }

  /** The turn's result, once it completes (errors with `TurnFailedError` when it failed). */
  get result$(): Observable<TurnResult> {
    // Made when first asked for: most turns are read by `run()`, which needs no stream.
    this.resultStream ??= this.events$.pipe(toTurnResult());
    return this.resultStream;
  }

  /**
   * Waits for the turn to finish. Rejects with the turn's error when it failed; resolves with
   * status `interrupted` when interrupted. Aborting the signal interrupts the turn and rejects at
   * once with an `AbortError` (the interrupt goes on by itself).
   */
  run(options: { readonly signal?: AbortSignal } = {}): Promise<TurnResult> {
    const signal = options.signal;
    return new Promise<TurnResult>((resolve, reject) => {
      if (signal === undefined) {
        this.read({ resolve, reject });
        return;
      }
      const onAbort = () => {
        stop();
        // Bounded by the request timeout; a turn that has not started yet is interrupted once it does.
        void this.interrupt().catch(() => undefined);
        reject(new DOMException('run: aborted; the turn is being interrupted', 'AbortError'));
      };
      let done = false;
      const settled = () => {
        done = true;
        signal.removeEventListener('abort', onAbort);
      };
      const stop = this.read({
        resolve: (result) => {
          settled();
          resolve(result);
        },
        reject: (error) => {
          settled();
          reject(error);
        },
      });
      // A turn that had ended already settled during `read`.
      if (done) return;
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Reads the turn to its result; returns the function that stops wanting it. The first reader of
   * a router's stream reads it directly and feeds the stall watch itself; any other subscribes to `result$`.
   */
  private read(settle: TurnReaderSettle): () => void {
    if (this.direct !== undefined && (this.stallTimeoutMs === 0 || this.watch === undefined)) {
      const reader = new TurnReader(this.direct, this.stallTimeoutMs > 0 ? this.stallWatch(undefined) : undefined, settle);
      return () => reader.cancel();
    }
    const subscription = this.result$.subscribe({ next: settle.resolve, error: settle.reject });
    return () => subscription.unsubscribe();
  }

  /**
   * Calls `callback` once the stall policy ends the turn (stored result or `TurnStalledError`),
   * at once if it has: the server may never report that end, and the thread's next turn must not
   * wait for it.
   *
   * @internal
   */
  whenStallEnded(callback: () => void): void {
    if (this.stallEndListeners === true) callback();
    else this.stallEndListeners.push(callback);
  }

  private stallEnd(): void {
    const listeners = this.stallEndListeners;
    if (listeners === true) return;
    this.stallEndListeners = true;
    for (const listener of listeners) listener();
  }

  /**
   * The turn's one stall watch, made by its first reader: following `events$`, or fed by that
   * reader when it has none. A verdict ends the turn for this client even when the server never
   * reports its end.
   */
  private stallWatch(events$: Observable<TurnEvent> | undefined): StallWatch {
    if (this.watch !== undefined) return this.watch;
    const config = { connection: this.connection, threadId: this.threadId, turnId: this.id, stallTimeoutMs: this.stallTimeoutMs, interrupt: () => this.interrupt(), onCheck: this.onStallCheck };
    const watch = new StallWatch(events$, config);
    this.watch = watch;
    watch.onVerdict({ next: () => this.stallEnd(), error: () => this.stallEnd() });
    return watch;
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
    await firstValueFrom(merge(...limits, this.source$.pipe(take(1), catchError(() => of(undefined)))), { defaultValue: undefined });
    const left = timeoutMs > 0 ? Math.max(1, timeoutMs - (Date.now() - startedAt)) : 0;
    return this.connection.request(method, { threadId: this.threadId, turnId: this.id }, { ...options, timeoutMs: left });
  }
}
