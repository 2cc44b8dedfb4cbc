import type { ThreadGoal, ThreadItem, ThreadTokenUsage, TokenUsageBreakdown, Turn } from '../protocol/generated/codecs.js';
import type { ServerNotification } from '../protocol/server-notification.js';
import { finalResponse } from './final-response.js';
import { IncompleteTurnError } from './incomplete-turn-error.js';
import { isReconstructed } from './is-reconstructed.js';
import { TurnFailedError } from './turn-failed-error.js';
import type { TurnResult } from './turn-result.js';

/**
 * Builds one turn's `TurnResult` from its events, one `add` per event: items from
 * `item/completed` in order, the last token usage and this turn's own share of it, the goal, and
 * status and timing from `turn/completed`. `toTurnResult` and `thread.run()` share it; `add` runs
 * per event of every turn in flight, so it mutates its own state and allocates only what it keeps.
 *
 * @example
 * const builder = new TurnResultBuilder();
 * events$.subscribe({ next: (event) => builder.add(event), complete: () => console.log(builder.result(true).finalResponse) });
 */
export class TurnResultBuilder {
  private threadId: string | undefined;
  private turnId: string | undefined;
  private readonly items: ThreadItem[] = [];
  private usage: ThreadTokenUsage | null = null;
  private goal: ThreadGoal | null = null;
  /** The thread's total before this turn's first model call (its first update's total minus last). */
  private totalBefore: TokenUsageBreakdown | undefined;
  private completed: Turn | undefined;
  /** Some item was rebuilt from the stored turn after a reconnection, after items seen live. */
  private rebuilt = false;

  /** Takes one event; those that carry nothing for the result are skipped. */
  add(event: ServerNotification): void {
    switch (event.method) {
      case 'turn/started':
        this.turnId = event.params.turn.id;
        this.threadId = event.params.threadId;
        break;
      case 'item/completed':
        this.items.push(event.params.item);
        if (isReconstructed(event)) this.rebuilt = true;
        break;
      case 'thread/tokenUsage/updated':
        this.usage = event.params.tokenUsage;
        // The server adds each model call's `last` to the thread's `total`, so the first update of
        // the turn tells what the total was before it.
        this.totalBefore ??= difference(event.params.tokenUsage.total, event.params.tokenUsage.last);
        break;
      case 'thread/goal/updated':
        this.goal = event.params.goal;
        break;
      case 'turn/completed':
        this.completed = event.params.turn;
        this.threadId = event.params.threadId;
        // The server may repeat the items on completion; items seen live win, these fill a gap. A
        // completion without `items` (lenient decoding lets it through) adds nothing.
        if (this.items.length === 0 && Array.isArray(event.params.turn.items)) this.items.push(...event.params.turn.items);
        // Items rebuilt after a reconnection arrive after those seen live; the turn's own order,
        // when the end lists it, puts them back where they were (the answer is its last message).
        else if (this.rebuilt && Array.isArray(event.params.turn.items)) inOrderOf(this.items, event.params.turn.items);
        break;
      default:
        break;
    }
  }

  /**
   * The result of the events added so far. Throws `IncompleteTurnError` when none was
   * `turn/completed`, and, when `rejectFailed`, `TurnFailedError` (carrying the result) for a
   * failed turn.
   */
  result(rejectFailed: boolean): TurnResult {
    const turn = this.completed;
    if (turn === undefined) throw new IncompleteTurnError(this.turnId);
    const usage = this.usage;
    const result: TurnResult = {
      id: turn.id,
      threadId: this.threadId ?? '',
      status: turn.status,
      error: turn.error ?? null,
      startedAt: turn.startedAt ?? null,
      completedAt: turn.completedAt ?? null,
      durationMs: turn.durationMs ?? null,
      finalResponse: finalResponse(this.items),
      items: this.items,
      usage,
      turnUsage: usage === null || this.totalBefore === undefined ? null : difference(usage.total, this.totalBefore),
      goal: this.goal,
    };
    if (rejectFailed && result.status === 'failed') throw new TurnFailedError(result);
    return result;
  }
}

/** Sorts `items` in place by where each is in `order` (by id), those not in it last, in the order they had. */
function inOrderOf(items: ThreadItem[], order: readonly ThreadItem[]): void {
  const at = new Map(order.map((item, index) => [item.id, index]));
  const positioned = items.map((item, index) => ({ item, key: at.get(item.id) ?? order.length + index }));
  positioned.sort((a, b) => a.key - b.key);
  positioned.forEach(({ item }, index) => (items[index] = item));
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
