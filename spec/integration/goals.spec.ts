import { expect } from 'chai';
import type { ThreadGoal, ThreadGoalUpdatedNotification } from '../../src/protocol/generated/codecs.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { usage } from '../../src/testing/script/usage.js';
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

  it('a turn toward an active goal carries the goal as the server last reported it for that turn', async () => {
    const thread = await scripted.codex.threadStart();
    scripted.mock.enqueue(response(assistantMessage('Hi.'), usage({ inputTokens: 7, outputTokens: 1 })));
    const quiet = await thread.run('Say hi first');
    expect(quiet.goal).to.equal(null);

    const reported: ThreadGoalUpdatedNotification[] = [];
    const subscription = scripted.codex.notifications$.subscribe((n) => n.method === 'thread/goal/updated' && reported.push(n.params));
    // The goal is set while our turn runs (held at a gate): an idle thread with an active goal
    // gets turns the server starts by itself, and a turn/start then joins one of those.
    const hold = gate('notes held');
    scripted.mock.enqueue(response(deltas(['Notes, ']), hold, deltas(['part one.']), usage({ inputTokens: 100, outputTokens: 20 })));
    // Answers for the turns the server starts by itself before the goal is paused again.
    for (let i = 0; i < 3; i += 1) scripted.mock.enqueue(response(assistantMessage('More notes.'), usage({ inputTokens: 10, outputTokens: 5 })));
    const running = thread.run('Start the notes');
    await hold.reached;
    await thread.setGoal({ objective: 'Write notes', tokenBudget: 100_000, status: 'active' });
    hold.open();
    const result = await running;
    await thread.setGoal({ status: 'paused' });
    subscription.unsubscribe();

    expect(result.finalResponse).to.equal('part one.');
    const forTurn = reported.filter((update) => update.turnId === result.id);
    expect(forTurn).to.not.be.empty;
    expect(result.goal).to.deep.equal(forTurn.at(-1)!.goal);
    expect(result.goal).to.deep.include({ threadId: thread.id, objective: 'Write notes', status: 'active', tokenBudget: 100_000 });
    expect(result.goal!.tokensUsed).to.be.at.least(120);
  });
});
