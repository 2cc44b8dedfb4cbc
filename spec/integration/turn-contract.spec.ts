import { expect } from 'chai';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { response } from '../../src/testing/script/response.js';
import { usage } from '../../src/testing/script/usage.js';
import { startScriptedCodex, type ScriptedCodex } from '../../src/testing/scripted-codex.js';

describe('turn contract against the real app-server', function () {
  this.timeout(60_000);
  let scripted: ScriptedCodex | undefined;
  afterEach(async () => {
    await scripted?.dispose();
    scripted = undefined;
  });

  describe('token usage', () => {
    it('gives each turn its own usage over all its model calls, beside the thread total', async () => {
      scripted = await startScriptedCodex({ harness: { config: { approval_policy: 'never' } } });
      scripted.mock.enqueue(
        // The first turn calls the model twice: a command, then the answer.
        response(execCommand('echo hi'), usage({ inputTokens: 10, outputTokens: 1 })),
        response(assistantMessage('ran it'), usage({ inputTokens: 20, outputTokens: 2 })),
        response(assistantMessage('second'), usage({ inputTokens: 40, outputTokens: 4 })),
      );
      const thread = await scripted.codex.threadStart();
      const first = await thread.run('first');
      const second = await thread.run('second');
      expect(first.turnUsage).to.include({ inputTokens: 30, outputTokens: 3, totalTokens: 33 });
      expect(first.usage!.last).to.include({ totalTokens: 22 });
      expect(second.turnUsage).to.include({ inputTokens: 40, outputTokens: 4, totalTokens: 44 });
      expect(second.usage!.total).to.include({ inputTokens: 70, outputTokens: 7, totalTokens: 77 });
    });
  });
});
