import { defer, map, reduce, type OperatorFunction } from 'rxjs';
import type { TurnResult } from './turn-result.js';
import { IncompleteTurnError } from './incomplete-turn-error.js';
import { TurnFailedError } from './turn-failed-error.js';
import type { ThreadItem, ThreadTokenUsage, Turn } from '../protocol/generated/codecs.js';
import { withDefaults } from '../internal/with-defaults.js';
import { finalResponse } from './final-response.js';
import type { ServerNotification } from '../protocol/server-notification.js';

/**
 * Options of `toTurnResult`.
 *
 * @example
 * // A failed turn as a result with status 'failed', rather than a TurnFailedError.
 * const result = await lastValueFrom(turn.events$.pipe(toTurnResult({ rejectFailed: false })));
 */
export interface ToTurnResultConfig {
  /** Error with `TurnFailedError` (carrying the result) when the turn failed, instead of emitting it. */
  readonly rejectFailed?: boolean;
}

const DEFAULT_CONFIG: Required<ToTurnResultConfig> = { rejectFailed: true };

interface Accumulated {
  threadId: string | undefined;
  turnId: string | undefined;
  items: ThreadItem[];
  usage: ThreadTokenUsage | null;
  completed: Turn | undefined;
}

/**
 * Reduces the events of one turn to its `TurnResult`: items from `item/completed` in order, the
 * last token usage, status and timing from `turn/completed`. Errors with `IncompleteTurnError`
 * when the events end without `turn/completed`, and (by default) with `TurnFailedError` when the
 * turn failed. An interrupted turn is a result with status `interrupted`. It takes any
 * `ServerNotification` (a `TurnEvent` is one) and skips those that carry nothing for the result.
 *
 * @example
 * const result = await lastValueFrom(turn.events$.pipe(toTurnResult()));
 * console.log(result.finalResponse);
 */
export function toTurnResult(config: ToTurnResultConfig = {}): OperatorFunction<ServerNotification, TurnResult> {
  const { rejectFailed } = withDefaults(DEFAULT_CONFIG, config);
  // defer: each subscription reduces into its own accumulator (the reducer mutates it, for speed).
  return (events$) =>
    defer(() => events$.pipe(
      reduce<ServerNotification, Accumulated>(accumulate, { threadId: undefined, turnId: undefined, items: [], usage: null, completed: undefined }),
      map((state) => {
        const turn = state.completed;
        if (turn === undefined) throw new IncompleteTurnError(state.turnId);
        const result: TurnResult = {
          id: turn.id,
          threadId: state.threadId ?? '',
          status: turn.status,
          error: turn.error ?? null,
          startedAt: turn.startedAt ?? null,
          completedAt: turn.completedAt ?? null,
          durationMs: turn.durationMs ?? null,
          finalResponse: finalResponse(state.items),
          items: state.items,
          usage: state.usage,
        };
        if (rejectFailed && result.status === 'failed') throw new TurnFailedError(result);
        return result;
      }),
    ));
}

function accumulate(state: Accumulated, event: ServerNotification): Accumulated {
  switch (event.method) {
    case 'turn/started':
      state.turnId = event.params.turn.id;
      state.threadId = event.params.threadId;
      break;
    case 'item/completed':
      state.items.push(event.params.item);
      break;
    case 'thread/tokenUsage/updated':
      state.usage = event.params.tokenUsage;
      break;
    case 'turn/completed':
      state.completed = event.params.turn;
      state.threadId = event.params.threadId;
      // The server may repeat the items on completion; items seen live win, these fill a gap.
      if (state.items.length === 0 && event.params.turn.items.length > 0) state.items.push(...event.params.turn.items);
      break;
    default:
      break;
  }
  return state;
}
