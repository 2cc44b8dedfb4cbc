import { expect } from 'chai';
import { Codex } from '../../src/client/codex.js';
import '../../src/client/node-transport.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { StdioTransport } from '../../src/transport/stdio-transport.js';
import { isProcessAlive } from '../support/server-processes.js';
import { FAST_RECONNECT, until } from './reconnect-fixture.js';

describe('reconnect: a launched (stdio) server that crashes is relaunched', function () {
  this.timeout(60_000);
  let harness: AppServerHarness | undefined;
  let codex: Codex | undefined;
  afterEach(async () => {
    await codex?.close();
    await harness?.dispose();
    codex = undefined;
    harness = undefined;
  });

  it('SIGKILL of the server: a new one is launched, the thread resumed from its rollout, the running turn ends as stored, new turns work', async () => {
    harness = await AppServerHarness.create();
    const launched: StdioTransport[] = [];
    const { env, workspace } = harness;
    codex = await Codex.connect({
      transport: () => {
        const transport = new StdioTransport({ env, cwd: workspace });
        launched.push(transport);
        return transport;
      },
      reconnect: FAST_RECONNECT,
    });
    const states: string[] = [];
    codex.connectionState$.subscribe({ next: (status) => states.push(status.state), error: () => undefined });
    const thread = await codex.threadStart({ cwd: workspace });
    harness.mock.enqueue(response(assistantMessage('before the crash')));
    expect((await thread.run('first')).finalResponse).to.equal('before the crash');

    const hold = gate();
    harness.mock.enqueue(response(deltas(['Cut '], { id: 'msg_cut' }), hold, deltas(['never'])));
    const turn = await thread.turn('second');
    await hold.waitUntilReached();
    const first = launched[0]!;
    process.kill(first.pid!, 'SIGKILL');
    const ended = await turn.run();
    hold.open();
    // The crashed server never wrote the turn's end: the relaunched one has it stored as interrupted.
    expect(ended.status).to.equal('interrupted');
    expect(launched).to.have.length(2);
    await until('the first server gone', () => !isProcessAlive(first.pid!));
    expect(states).to.include.ordered.members(['ready', 'reconnecting', 'ready']);

    harness.mock.enqueue(response(assistantMessage('after the relaunch')));
    const after = await thread.run('third');
    expect(after.finalResponse).to.equal('after the relaunch');
    expect(harness.mock.requests.at(-1)!.userTexts().some((text) => text.includes('first'))).to.equal(true);
    expect(codex.trackedTurns).to.equal(0);
  });
});
