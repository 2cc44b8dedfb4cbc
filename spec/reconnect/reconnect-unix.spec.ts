import { expect } from 'chai';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { Codex } from '../../src/client/codex.js';
import '../../src/client/node-transport.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { response } from '../../src/testing/script/response.js';
import { startUnixSocketServer, type ListeningServer } from '../support/server-processes.js';
import { TcpChaosProxy } from '../support/tcp-chaos-proxy.js';
import { FAST_RECONNECT, until } from './reconnect-fixture.js';

describe('reconnect over a unix socket, against the real app-server', function () {
  this.timeout(60_000);
  let harness: AppServerHarness | undefined;
  let server: (ListeningServer & { readonly socketPath: string }) | undefined;
  let proxy: TcpChaosProxy | undefined;
  let codex: Codex | undefined;
  afterEach(async () => {
    await codex?.close();
    await proxy?.close();
    await server?.stop();
    await harness?.dispose();
    codex = server = proxy = harness = undefined;
  });

  it('the turn runs on when its unix connection is cut mid-stream; run() resolves with the whole answer, items once', async () => {
    harness = await AppServerHarness.create();
    server = await startUnixSocketServer({ dir: harness.codexHome, env: harness.env, dispose: async () => undefined });
    proxy = await TcpChaosProxy.startUnix(server.socketPath, join(harness.codexHome, 'proxy.sock'));
    codex = await Codex.connect({ transport: { url: `unix://${join(harness.codexHome, 'proxy.sock')}` }, reconnect: FAST_RECONNECT });
    const chunks = Array.from({ length: 12 }, (_, i) => `u${i} `);
    harness.mock.enqueue(response(deltas(chunks, { id: 'msg_unix', delayMs: 40 })));
    const thread = await codex.threadStart({ cwd: harness.workspace });
    const turn = await thread.turn('stream over unix');
    const all = lastValueFrom(turn.events$.pipe(toArray()));
    let deltasSeen = 0;
    turn.events$.subscribe({ next: (event) => event.method === 'item/agentMessage/delta' && (deltasSeen += 1), error: () => undefined });
    await until('the third delta', () => deltasSeen >= 3);
    const accepted = proxy.accepted;
    proxy.cutAll();

    const done = await turn.run();
    expect(proxy.accepted, 'the client connected again').to.be.greaterThan(accepted);
    expect(done.status).to.equal('completed');
    expect(done.finalResponse).to.equal(chunks.join(''));
    const ids = done.items.map((item) => item.id);
    expect(new Set(ids).size).to.equal(ids.length);
    const completed = (await all).flatMap((event) => (event.method === 'item/completed' ? [event.params.item.id] : []));
    expect(completed).to.deep.equal(ids);
    expect(codex.trackedTurns).to.equal(0);
  });
});
