import { firstValueFrom, lastValueFrom, type Observable } from 'rxjs';
import type { TurnInterruptResponse, TurnSteerResponse } from '../protocol/generated/codecs.js';
import { toTurnResult } from '../turns/to-turn-result.js';
import type { TurnEvent } from '../turns/turn-event.js';
import type { RequestOptions, RpcConnection } from '../connection/rpc-connection.js';
import { toUserInput, type RunInput } from './run-input.js';
import type { TurnResult } from '../turns/turn-result.js';

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

  constructor(
    private readonly connection: RpcConnection,
    /** The thread the turn runs in. */
    readonly threadId: string,
    /** The turn's id. */
    readonly id: string,
    events$: Observable<TurnEvent>,
    private readonly releaseEvents: () => void = () => undefined,
  ) {
    this.events$ = events$;
    this.result$ = events$.pipe(toTurnResult());
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
   * request waits for the turn's first event, which the turn's stream replays once seen.
   */
  async interrupt(options: RequestOptions = {}): Promise<TurnInterruptResponse> {
    await firstValueFrom(this.events$);
    return this.connection.request('turn/interrupt', { threadId: this.threadId, turnId: this.id }, options);
  }
}
