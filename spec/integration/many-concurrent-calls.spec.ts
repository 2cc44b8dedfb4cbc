import { expect } from 'chai';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { response } from '../../src/testing/script/response.js';
import { startScriptedCodex, type ScriptedCodex } from '../../src/testing/scripted-codex.js';

const COUNT = 200;

describe('many concurrent calls on one connection, against the real app-server', function () {
  // Only a hang detector: a stuck request fails the spec long before this.
  this.timeout(600_000);
  let scripted: ScriptedCodex | undefined;
  afterEach(async () => {
    await scripted?.dispose();
    scripted = undefined;
  });

  it(`${COUNT} concurrent threadStart() + run() all complete with their own answers, none overloaded, none timed out`, async () => {
    scripted = await startScriptedCodex({ codex: { requestTimeoutMs: 300_000 } });
    const { codex, mock } = scripted;
    for (let i = 0; i < COUNT; i += 1) {
      mock.enqueueMatching((request) => request.userTexts().includes(`prompt ${i}`), response(assistantMessage(`answer ${i}`)));
    }
    const outcomes = await Promise.allSettled(
      Array.from({ length: COUNT }, async (_, i) => {
        const thread = await codex.threadStart();
        const result = await thread.run(`prompt ${i}`);
        return { threadId: thread.id, finalResponse: result.finalResponse, status: result.status };
      }),
    );
    const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [String(outcome.reason)] : []));
    expect(failures, 'calls that failed').to.deep.equal([]);
    const results = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<{ threadId: string; finalResponse: string | null; status: string }>).value);
    expect(results.map((r) => r.finalResponse)).to.deep.equal(Array.from({ length: COUNT }, (_, i) => `answer ${i}`));
    expect(results.every((r) => r.status === 'completed')).to.equal(true);
    expect(new Set(results.map((r) => r.threadId)).size).to.equal(COUNT);
  });

  it('a burst of 300 concurrent thread starts (more than the server queues) all succeed: none overloaded, none left without an answer', async () => {
    // The timeout only turns a request the server dropped into a failure the spec can see.
    scripted = await startScriptedCodex({ codex: { requestTimeoutMs: 120_000 } });
    const { codex } = scripted;
    const outcomes = await Promise.allSettled(Array.from({ length: 300 }, () => codex.threadStart()));
    const failures = new Map<string, number>();
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') failures.set((outcome.reason as Error).name, (failures.get((outcome.reason as Error).name) ?? 0) + 1);
    }
    expect(Object.fromEntries(failures), 'failures by error').to.deep.equal({});
  });
});
