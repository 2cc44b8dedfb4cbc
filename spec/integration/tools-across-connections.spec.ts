import { expect } from 'chai';
import type { Codex } from '../../src/client/codex.js';
import type { CodexDiagnostic } from '../../src/client/codex-diagnostic.js';
import { tool } from '../../src/client/tool.js';
import type { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { functionCall } from '../../src/testing/script/function-call.js';
import { response } from '../../src/testing/script/response.js';
import { serversPerTest } from '../facts/endpoints.js';
import { startReconnectFixture, until, withinOrExplain } from '../reconnect/reconnect-fixture.js';

/** What the model read for a call: the `output` of its `function_call_output` in a later request. */
function outputSeen(harness: AppServerHarness, callId: string): unknown {
  for (const request of harness.mock.requests) {
    const output = request.functionCallOutput(callId);
    if (output !== undefined) return output['output'];
  }
  return undefined;
}

/** A tool that answers when the spec says so, and counts its runs. */
function heldTool(name: string) {
  let release!: (text: string) => void;
  const answer = new Promise<string>((resolve) => (release = resolve));
  const state = { runs: 0, aborted: false, release };
  const definition = tool({
    name,
    description: name,
    input: { type: 'object' },
    run: async (_args, { signal }) => {
      state.runs += 1;
      signal.addEventListener('abort', () => (state.aborted = true));
      return answer;
    },
  });
  return { tool: definition, state };
}

async function warmUp(harness: AppServerHarness, thread: { run(input: string): Promise<unknown> }): Promise<void> {
  harness.mock.enqueue(response(assistantMessage('ready')));
  await thread.run('warm up');
}

describe('client-side tools across clients, restarts and reconnections (real server)', function () {
  this.timeout(60_000);

  describe('on one listening server', () => {
    const servers = serversPerTest();

    it('two clients on one thread, only one with the handler: its answer is what the model reads', async () => {
      const endpoint = await servers.start();
      const owner = await endpoint.codex();
      const watcher = await endpoint.codex();
      const watcherDiagnostics: CodexDiagnostic[] = [];
      watcher.diagnostics$.subscribe((d) => watcherDiagnostics.push(d));
      const lookup = tool({
        name: 'lookup',
        description: 'Slow lookup',
        input: { type: 'object' },
        // Slower than a reply at once would be: the watcher must not answer first.
        run: () => new Promise((resolve) => setTimeout(() => resolve('from the owner'), 300)),
      });
      const thread = await owner.threadStart({ tools: [lookup] });
      await warmUp(servers.harness, thread);
      await watcher.threadResume(thread.id);
      servers.harness.mock.enqueue(response(functionCall('lookup', {}, { callId: 'c_two' })), response(assistantMessage('done')));
      await thread.run('look it up');
      expect(outputSeen(servers.harness, 'c_two')).to.equal('from the owner');
      expect(watcherDiagnostics.filter((d) => d.kind.startsWith('tool-'))).to.deep.equal([]);
    });

    it('threadResume({ tools }) after a server restart: the model still has the tool, the new client answers it', async () => {
      const first = await servers.start();
      const before = await first.codex();
      const thread = await before.threadStart({ tools: [tool({ name: 'stamp', description: 'A stamp', input: { type: 'object' }, run: () => 'first server' })] });
      await warmUp(servers.harness, thread);
      await first.stop();

      const second = await servers.start();
      const after = await second.codex();
      const resumed = await after.threadResume(thread.id, { tools: [tool({ name: 'stamp', description: 'A stamp', input: { type: 'object' }, run: () => 'after the restart' })] });
      servers.harness.mock.enqueue(response(functionCall('stamp', {}, { callId: 'c_restart' })), response(assistantMessage('done')));
      await resumed.run('stamp it');
      const offered = (servers.harness.mock.requests.at(-2)?.body as { tools: Array<{ name?: string }> }).tools.map((t) => t.name);
      expect(offered).to.include('stamp');
      expect(outputSeen(servers.harness, 'c_restart')).to.equal('after the restart');
    });

    it('threadFork({ tools }): the fork keeps the thread’s tools, and its calls come to the forking client', async () => {
      const endpoint = await servers.start();
      const codex: Codex = await endpoint.codex();
      const stamp = tool({ name: 'stamp', description: 'A stamp', input: { type: 'object' }, run: (_args, ctx) => `thread ${ctx.threadId}` });
      const thread = await codex.threadStart({ tools: [stamp] });
      await warmUp(servers.harness, thread);
      const fork = await codex.threadFork(thread.id, { tools: [stamp] });
      servers.harness.mock.enqueue(response(functionCall('stamp', {}, { callId: 'c_fork' })), response(assistantMessage('done')));
      await fork.run('stamp the fork');
      expect(fork.id).to.not.equal(thread.id);
      expect(outputSeen(servers.harness, 'c_fork')).to.equal(`thread ${fork.id}`);
    });
  });

  it('a tool across a reconnection cut mid-call runs once, is not aborted, and its answer reaches the model', async () => {
    const fixture = await startReconnectFixture();
    try {
      const held = heldTool('slow');
      const thread = await fixture.codex.threadStart({ tools: [held.tool] });
      await warmUp(fixture.harness, thread);
      fixture.mock.enqueue(response(functionCall('slow', {}, { callId: 'c_cut' })), response(assistantMessage('after the cut')));
      const result = thread.run('go');
      await until('the tool to run', () => held.state.runs === 1);
      fixture.proxy.cutAll();
      await until('the client to reconnect', () => fixture.states.filter((s) => s.state === 'ready').length >= 2);
      held.state.release('answered after the cut');
      const ended = await withinOrExplain(result, fixture);
      expect(ended.finalResponse).to.equal('after the cut');
      expect(outputSeen(fixture.harness, 'c_cut')).to.equal('answered after the cut');
      expect(held.state).to.include({ runs: 1, aborted: false });
    } finally {
      await fixture.dispose();
    }
  });
});
