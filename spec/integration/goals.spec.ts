import { expect } from 'chai';
import type { ThreadGoal } from '../../src/protocol/generated/codecs.js';
import { startScriptedCodex, type ScriptedCodex } from '../../src/testing/scripted-codex.js';

describe('thread goals, against the real app-server', function () {
  this.timeout(30_000);
  let scripted: ScriptedCodex;
  beforeEach(async () => {
    scripted = await startScriptedCodex();
  });
  afterEach(() => scripted.dispose());

  it('sets, reads, changes and clears a goal, and goal$ follows every change', async () => {
    const thread = await scripted.codex.threadStart();
    const other = await scripted.codex.threadStart();
    const seen: (ThreadGoal | null)[] = [];
    const subscription = thread.goal$.subscribe((goal) => seen.push(goal));
    expect(await thread.getGoal()).to.equal(null);

    // Paused, so that the server does not start working toward it with the scripted model.
    const goal = await thread.setGoal({ objective: 'Write notes about zebras', tokenBudget: 5_000, status: 'paused' });
    expect(goal).to.deep.include({ threadId: thread.id, objective: 'Write notes about zebras', status: 'paused', tokenBudget: 5_000, tokensUsed: 0 });
    expect(await thread.getGoal()).to.deep.include({ objective: 'Write notes about zebras', status: 'paused', tokenBudget: 5_000 });

    const budgeted = await thread.setGoal({ tokenBudget: 9_000 });
    expect(budgeted).to.deep.include({ objective: 'Write notes about zebras', tokenBudget: 9_000 });
    await other.setGoal({ objective: 'Another thread', status: 'paused' });

    expect(await thread.clearGoal()).to.equal(true);
    expect(await thread.getGoal()).to.equal(null);
    expect(await thread.clearGoal()).to.equal(false);
    subscription.unsubscribe();

    expect(seen.map((g) => (g === null ? null : { objective: g.objective, status: g.status, tokenBudget: g.tokenBudget }))).to.deep.equal([
      { objective: 'Write notes about zebras', status: 'paused', tokenBudget: 5_000 },
      { objective: 'Write notes about zebras', status: 'paused', tokenBudget: 9_000 },
      null,
    ]);
  });
});
