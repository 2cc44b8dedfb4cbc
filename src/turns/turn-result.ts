import type { ThreadGoal, ThreadItem, ThreadTokenUsage, TokenUsageBreakdown, TurnError, TurnStatus } from '../protocol/generated/codecs.js';

/**
 * What a finished turn produced: `run()` resolves with it, `toTurnResult()` reduces a turn's
 * events into it.
 *
 * @example
 * const result: TurnResult = await thread.run('Say hello');
 * console.log(result.status, result.finalResponse, result.turnUsage?.totalTokens, result.usage?.total.totalTokens);
 * const commands = result.items.filter((item) => item.type === 'commandExecution');
 */
export interface TurnResult {
  readonly id: string;
  readonly threadId: string;
  readonly status: TurnStatus;
  readonly error: TurnError | null;
  /** Unix seconds, from the server's `turn/completed`. */
  readonly startedAt: number | null;
  readonly completedAt: number | null;
  readonly durationMs: number | null;
  /**
   * The answer: the last agent message in the `final_answer` phase, else the last one without a
   * phase (an empty string counts), else null.
   */
  readonly finalResponse: string | null;
  /** Every item the turn completed (`item/completed`), in order. */
  readonly items: readonly ThreadItem[];
  /**
   * The last token usage reported during the turn: `last` is the turn's last model call, `total`
   * the whole thread so far.
   */
  readonly usage: ThreadTokenUsage | null;
  /**
   * This turn's own tokens, over all its model calls: the thread's total at completion minus the
   * total before the turn. Null when the turn reported no usage.
   */
  readonly turnUsage: TokenUsageBreakdown | null;
  /**
   * The thread's goal as the server last reported it during this turn (`thread/goal/updated`
   * for this turn: tokens and time used, and a status the turn may have changed). Null when the
   * turn reported none, e.g. on a thread without an active goal.
   */
  readonly goal: ThreadGoal | null;
}
