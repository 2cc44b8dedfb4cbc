import type { ThreadGoalSetParams } from '../protocol/generated/codecs.js';

/**
 * What `thread.setGoal` changes: the objective, the status (`active`, `paused`, `complete` …) and
 * the token budget. Fields left out keep their value.
 *
 * @example
 * const goal = await thread.setGoal({ objective: 'Get the test suite green', tokenBudget: 200_000 });
 * await thread.setGoal({ status: 'paused' });
 */
export type GoalSettings = Omit<ThreadGoalSetParams, 'threadId'>;
