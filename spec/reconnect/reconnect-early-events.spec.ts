import { expect } from 'chai';
import { Codex } from '../../src/client/codex.js';
import '../../src/client/node-transport.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { startListeningAppServer, type ListeningAppServer } from '../../src/testing/listening-app-server.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import type { Gate } from '../../src/testing/gate.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { WebSocketTransport } from '../../src/transport/websocket-transport.js';
import { FrameFaults } from '../support/frame-faults.js';
import { TcpChaosProxy } from '../support/tcp-chaos-proxy.js';

/**
 * Frame-exact faults on the real server: the answer to one `turn/start` is lost, and on the next
 * connection the answers to `thread/resume` arrive after the live events sent meanwhile.
 */
describe('reconnect: live events that reach the new connection before the thread/resume answer', function () {
  this.timeout(60_000);
  let harness: AppServerHarness;
  let server: ListeningAppServer;
  let proxy: TcpChaosProxy;
  let faults: FrameFaults;
  let codex: Codex;

  before(async () => {
    harness = await AppServerHarness.create();
    server = await startListeningAppServer(harness);
    proxy = await TcpChaosProxy.start(Number(new URL(server.url).port));
    faults = new FrameFaults(proxy);
    codex = await Codex.connect({
      transport: async () => faults.wrap(await WebSocketTransport.connect(proxy.url, { token: server.token })),
      reconnect: { maxAttempts: 30, initialDelayMs: 20, maxDelayMs: 200, jitter: 0 },
    });
  });
  after(async () => {
    await codex?.close();
    await proxy?.close();
    await server?.stop();
    await harness?.dispose();
  });

  for (const firstTurn of [false, true]) {
    it(`a turn/start whose answer is lost, whose turn ends before the resume answer arrives${firstTurn ? ' (the thread\'s first turn)' : ''}: run() gives its result once, the prompt asked once`, async () => {
      const thread = await codex.threadStart({ cwd: harness.workspace });
      if (!firstTurn) {
        harness.mock.enqueue(response(assistantMessage('first')));
        await thread.run('a first turn');
      }
      const asked = harness.mock.requests.length;
      // The model answers only once the new connection has asked to resume the thread: the turn
      // ends while that answer is held back.
      const hold: Gate = gate('until the resume');
      harness.mock.enqueue(response(hold, assistantMessage('Answered once.')));
      faults.onResumeSent = () => hold.open();
      faults.resumeDelayMs = 400;
      faults.loseTurnStartAnswer = true;
      try {
        const result = await thread.run('only once, please');
        expect(result.status).to.equal('completed');
        expect(result.finalResponse).to.equal('Answered once.');
        expect(result.items.filter((item) => item.type === 'agentMessage')).to.have.length(1);
        expect(harness.mock.requests.length, 'the prompt reached the model once').to.equal(asked + 1);
        expect(codex.trackedTurns).to.equal(0);
      } finally {
        hold.open();
        faults.onResumeSent = undefined;
        faults.resumeDelayMs = 0;
      }
    });
  }
});
