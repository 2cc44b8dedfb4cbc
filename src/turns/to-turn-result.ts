import { defer, map, reduce, type OperatorFunction } from 'rxjs';
import type { TurnResult } from './turn-result.js';
import { IncompleteTurnError } from './incomplete-turn-error.js';
import { TurnFailedError } from './turn-failed-error.js';
import type { ThreadGoal, ThreadItem, ThreadTokenUsage, TokenUsageBreakdown, Turn } from '../protocol/generated/codecs.js';
import { withDefaults } from '../internal/with-defaults.js';
import { finalResponse } from './final-response.js';
import type { ServerNotification } from '../protocol/server-notification.js';

/**
 * Options of `toTurnResult`.
 *
 * @example
 * import { lastValueFrom } from 'rxjs';
 *
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
  goal: ThreadGoal | null;
  /** The thread's total before this turn's first model call (its first update's total minus last). */
  totalBefore: TokenUsageBreakdown | undefined;
  completed: Turn | undefined;
}

/**
 * Reduces the events of one turn to its `TurnResult`: items from `item/completed` in order, the
 * last token usage and this turn's own share of it, status and timing from `turn/completed`. Errors with `IncompleteTurnError`
 * when the events end without `turn/completed`, and (by default) with `TurnFailedError` when the
 * turn failed. An interrupted turn is a result with status `interrupted`. It takes any
 * `ServerNotification` (a `TurnEvent` is one) and skips those that carry nothing for the result.
 *
 * @example
 * import { lastValueFrom } from 'rxjs';
 *
 * const result = await lastValueFrom(turn.events$.pipe(toTurnResult()));
 * console.log(result.finalResponse);
 */
export function toTurnResult(config: ToTurnResultConfig = {}): OperatorFunction<ServerNotification, TurnResult> {
  const { rejectFailed } = withDefaults(DEFAULT_CONFIG, config);
  // defer: each subscription reduces into its own accumulator (the reducer mutates it, for speed).
  return (events$) =>
    defer(() => events$.pipe(
      reduce<ServerNotification, Accumulated>(accumulate, {
        threadId: undefined,
        turnId: undefined,
        items: [],
        usage: null,
        goal: null,
        totalBefore: undefined,
        completed: undefined,
      }),
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
          turnUsage: state.usage === null || state.totalBefore === undefined ? null : difference(state.usage.total, state.totalBefore),
          goal: state.goal,
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
      // The server adds each model call's `last` to the thread's `total`, so the first update of
      // the turn tells what the total was before it.
      state.totalBefore ??= difference(event.params.tokenUsage.total, event.params.tokenUsage.last);
      break;
    case 'thread/goal/updated':
      state.goal = event.params.goal;
      break;
    case 'turn/completed':
      state.completed = event.params.turn;
      state.threadId = event.params.threadId;
      // The server may repeat the items on completion; items seen live win, these fill a gap. A
      // completion without `items` (lenient decoding lets it through) adds nothing.
      if (state.items.length === 0 && Array.isArray(event.params.turn.items)) state.items.push(...event.params.turn.items);
      break;
    default:
      break;
  }
  return state;
}

function difference(after: TokenUsageBreakdown, before: TokenUsageBreakdown): TokenUsageBreakdown {
  const result: TokenUsageBreakdown = {
    cachedInputTokens: after.cachedInputTokens - before.cachedInputTokens,
    inputTokens: after.inputTokens - before.inputTokens,
    outputTokens: after.outputTokens - before.outputTokens,
    reasoningOutputTokens: after.reasoningOutputTokens - before.reasoningOutputTokens,
    totalTokens: after.totalTokens - before.totalTokens,
  };
  if (after.cacheWriteInputTokens !== undefined) result.cacheWriteInputTokens = after.cacheWriteInputTokens - (before.cacheWriteInputTokens ?? 0);
  return result;
}
