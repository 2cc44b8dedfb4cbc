/**
 * Thread goals: set an objective with a token budget, follow its changes, read it, clear it.
 */
import type { Codex, protocol } from 'codex-rx';
import { runIfMain, type ExampleIo } from './support/run-example.js';

export const script = [];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const thread = await codex.threadStart();
  const describe = (goal: protocol.ThreadGoal | null) =>
    goal === null ? 'no goal' : `"${goal.objective}" ${goal.status}, ${goal.tokensUsed}/${goal.tokenBudget ?? 'unbounded'} tokens`;
  const updates = thread.goal$.subscribe({ next: (goal) => io.log(`goal$: ${describe(goal)}`), error: (error: unknown) => io.log(`goal$ failed: ${String(error)}`) });

  // Paused: an active goal has the server run turns toward it on its own, until done or out of budget.
  await thread.setGoal({ objective: 'Document every public function', tokenBudget: 50_000, status: 'paused' });
  await thread.setGoal({ tokenBudget: 80_000 });
  io.log(`getGoal: ${describe(await thread.getGoal())}`);
  io.log(`cleared: ${await thread.clearGoal()}`);
  io.log(`getGoal: ${describe(await thread.getGoal())}`);
  updates.unsubscribe();
}

await runIfMain(import.meta, { main, script });
