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
});
