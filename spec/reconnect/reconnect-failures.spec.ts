import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom, lastValueFrom, filter, toArray } from 'rxjs';
import { ApprovalMode } from '../../src/client/approval-mode.js';
import { Sandbox } from '../../src/client/sandbox.js';
import { ConnectionLostError } from '../../src/errors/connection-lost-error.js';
import { TransportClosedError } from '../../src/errors/transport-closed-error.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import { Codex } from '../../src/client/codex.js';
import '../../src/client/node-transport.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { startListeningAppServer } from '../../src/testing/listening-app-server.js';
import { TcpChaosProxy } from '../support/tcp-chaos-proxy.js';
import { startReconnectFixture, until, withinOrExplain, type ReconnectFixture } from './reconnect-fixture.js';

describe('reconnect: restarts, requests in flight, approvals, and giving up', function () {
  this.timeout(60_000);
  let fixture: ReconnectFixture | undefined;
  afterEach(async () => {
    await fixture?.dispose();
    fixture = undefined;
  });

  it('server restarted behind the proxy: the thread is resumed and new turns work on the same Thread object', async () => {
    fixture = await startReconnectFixture();
    const { codex, mock, harness } = fixture;
    const thread = await codex.threadStart({ cwd: harness.workspace });
    mock.enqueue(response(assistantMessage('first answer')));
    expect((await thread.run('first question')).finalResponse).to.equal('first answer');

    const readyBefore = fixture.states.filter((s) => s.state === 'ready').length;
    await fixture.restartServer();
    await until('ready again on the new server', () => fixture!.states.filter((s) => s.state === 'ready').length > readyBefore, 20_000);

    mock.enqueue(response(assistantMessage('second answer')));
    const second = await thread.run('second question');
    expect(second.finalResponse).to.equal('second answer');
    // The new server knows the thread's history: it was resumed from the stored rollout.
    const texts = mock.requests.at(-1)!.userTexts();
    expect(texts.some((text) => text.includes('first question'))).to.equal(true);
    expect(texts.some((text) => text.includes('second question'))).to.equal(true);
    expect(codex.trackedTurns).to.equal(0);
  });

  it('a thread without a turn yet (no stored history to resume) works after a drop: resumed once its first turn starts', async () => {
    fixture = await startReconnectFixture();
    const { codex, mock, proxy, harness } = fixture;
    const thread = await codex.threadStart({ cwd: harness.workspace });
    proxy.cutAll();
    await until('ready again', () => fixture!.states.filter((s) => s.state === 'ready').length >= 2);
    expect(fixture.diagnostics.map((d) => d.kind)).to.include('thread-resume-failed');
    mock.enqueue(response(deltas(['Still ', 'here'], { id: 'msg_here', delayMs: 20 })));
    const result = await withinOrExplain(thread.run('hello again'), fixture);
    expect(result.finalResponse).to.equal('Still here');
    expect(result.items.filter((item) => item.id === 'msg_here')).to.have.length(1);
    expect(codex.trackedTurns).to.equal(0);
  });

  it('a turn running when the server is restarted ends with what the new server stored, never hangs', async () => {
    fixture = await startReconnectFixture();
    const { codex, mock, harness } = fixture;
    const hold = gate();
    mock.enqueue(response(deltas(['Half '], { id: 'msg_half' }), hold, deltas(['never sent'])));
    const thread = await codex.threadStart({ cwd: harness.workspace });
    const turn = await thread.turn('work');
    const result = turn.run().then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    await hold.waitUntilReached();
    await fixture.restartServer();
    hold.open();
    const outcome = await result;
    // The new server has the turn stored as interrupted, with what it produced before the kill.
    expect(outcome).to.have.property('value');
    const ended = (outcome as { value: { status: string; finalResponse: string | null } }).value;
    const stored = await thread.read({ includeTurns: true });
    const storedTurn = stored.thread.turns.find((t) => t.id === turn.id);
    expect(storedTurn?.status).to.equal('interrupted');
    expect(ended.status).to.equal('interrupted');
    expect(ended.finalResponse).to.equal('Half ');
    expect(codex.trackedTurns).to.equal(0);
    mock.enqueue(response(assistantMessage('after the restart')));
    expect((await thread.run('again')).finalResponse).to.equal('after the restart');
  });

  it('a write on the wire at the drop fails with ConnectionLostError (retryable); a read on the wire is resent and answered', async () => {
    fixture = await startReconnectFixture();
    const { codex, proxy, harness } = fixture;
    const thread = await codex.threadStart({ cwd: harness.workspace });
    proxy.stall(true);
    const write = thread.setName('renamed').then(
      () => undefined,
      (error: unknown) => error,
    );
    const read = thread.read();
    await new Promise((resolve) => setTimeout(resolve, 100));
    proxy.cutAll();
    proxy.stall(false);
    const error = await write;
    expect(error).to.be.instanceOf(ConnectionLostError);
    expect((error as ConnectionLostError).retryable).to.equal(true);
    expect((error as ConnectionLostError).method).to.equal('thread/name/set');
    expect((await read).thread.id).to.equal(thread.id);
    // Retrying the write after the reconnection works.
    await thread.setName('renamed');
  });

  it('an approval pending at the drop is withdrawn from pendingServerRequests$, and answered when the server asks again', async () => {
    fixture = await startReconnectFixture();
    const { codex, mock, proxy, harness } = fixture;
    const lists: number[] = [];
    codex.pendingServerRequests$.subscribe({ next: (pending) => lists.push(pending.length), error: () => undefined });
    mock.enqueue(response(execCommand('touch approved.txt', { callId: 'call_touch' })), response(assistantMessage('Done.')));
    const thread = await codex.threadStart({ cwd: harness.workspace, sandbox: Sandbox.workspaceWrite });
    const turn = await thread.turn('Create the file', { approvalMode: ApprovalMode.askUser });
    const result = turn.run();
    const first = await firstValueFrom(codex.pendingServerRequests$.pipe(filter((pending) => pending.length > 0)));
    expect(first[0]!.method).to.equal('item/commandExecution/requestApproval');
    proxy.cutAll();
    await until('the request withdrawn', () => lists.at(-1) === 0);
    expect(first[0]!.answered, 'a withdrawn request counts as answered').to.equal(true);

    const again = await firstValueFrom(codex.pendingServerRequests$.pipe(filter((pending) => pending.length > 0)));
    const request = again[0]!;
    expect(request.method).to.equal('item/commandExecution/requestApproval');
    if (request.method === 'item/commandExecution/requestApproval') request.respond({ decision: 'accept' });
    const done = await result;
    expect(done.status).to.equal('completed');
    expect(existsSync(join(harness.workspace, 'approved.txt'))).to.equal(true);
  });

  it('a token function refused while reconnecting is read again on the next attempt; a fixed token refused gives up at once', async () => {
    let refusals = 0;
    fixture = await startReconnectFixture({ token: (serverToken) => (refusals-- > 0 ? 'not-the-token' : serverToken) });
    const { codex, mock, proxy, harness } = fixture;
    const thread = await codex.threadStart({ cwd: harness.workspace });
    refusals = 2;
    proxy.cutAll();
    await until('ready again', () => fixture!.states.filter((s) => s.state === 'ready').length >= 2);
    const refused = fixture.diagnostics.filter((d) => d.kind === 'reconnect-attempt-failed' && /401/.test(d.message));
    expect(refused, JSON.stringify(fixture.diagnostics.map((d) => ('message' in d ? d.message : d.kind)))).to.have.length(2);
    mock.enqueue(response(assistantMessage('still here')));
    expect((await thread.run('are you there?')).finalResponse).to.equal('still here');
    await fixture.dispose();

    // The same with a fixed token that the restarted server no longer takes.
    fixture = undefined;
    const harness2 = await AppServerHarness.create();
    const first = await startListeningAppServer(harness2);
    const proxy2 = await TcpChaosProxy.start(Number(new URL(first.url).port));
    const fixed = await Codex.connect({ transport: { url: proxy2.url, token: first.token }, reconnect: { maxAttempts: 200, initialDelayMs: 20, maxDelayMs: 100, jitter: 0 } });
    const failures: string[] = [];
    fixed.diagnostics$.subscribe({ next: (d) => d.kind === 'reconnect-attempt-failed' && failures.push(d.message), error: () => undefined });
    try {
      await first.stop();
      const second = await startListeningAppServer(harness2);
      proxy2.retarget(Number(new URL(second.url).port));
      const outcome = await fixed.threadList({}).catch((error: unknown) => error);
      expect(outcome).to.be.instanceOf(TransportClosedError);
      expect(String((outcome as TransportClosedError).message)).to.match(/gave up reconnecting .*401/);
      // Refused once is enough: the first attempt that reached the new server was the last.
      expect(failures.filter((message) => /401/.test(message))).to.have.length(1);
      expect(failures.at(-1)).to.match(/401/);
      await second.stop();
    } finally {
      await fixed.close();
      await proxy2.close();
      await harness2.dispose();
    }
  });

  it('policy exhausted: every call, turn and stream fails with TransportClosedError; no socket is left', async () => {
    fixture = await startReconnectFixture({ reconnect: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 50, jitter: 0 } });
    const { codex, mock, proxy, harness } = fixture;
    const hold = gate();
    mock.enqueue(response(deltas(['Started '], { id: 'msg_started' }), hold, deltas(['rest'])));
    const thread = await codex.threadStart({ cwd: harness.workspace });
    const turn = await thread.turn('work');
    const notifications = lastValueFrom(codex.notifications$.pipe(toArray())).then(
      () => 'completed',
      (error: unknown) => error,
    );
    const events = lastValueFrom(turn.events$.pipe(toArray())).then(
      () => 'completed',
      (error: unknown) => error,
    );
    const run = turn.run().then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await hold.waitUntilReached();
    proxy.refuse(true);
    proxy.cutAll();
    // Sent during the gap: held for the reconnection, failed when the client gives up.
    const during = codex.threadList({}).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    for (const outcome of [await run, await events, await notifications, await during]) {
      expect(outcome).to.be.instanceOf(TransportClosedError);
      expect((outcome as Error).message).to.contain('gave up reconnecting');
    }
    expect(fixture.states.at(-1)).to.deep.include({ state: 'closed' });
    expect(fixture.states.filter((s) => s.state === 'reconnecting')).to.have.length(3);
    // Each failed attempt is reported, the last one too.
    const failed = fixture.diagnostics.flatMap((d) => (d.kind === 'reconnect-attempt-failed' ? [d.attempt] : []));
    expect(failed).to.deep.equal([1, 2, 3]);
    const after = await codex.threadList({}).catch((error: unknown) => error);
    expect(after).to.be.instanceOf(TransportClosedError);
    expect(codex.trackedTurns).to.equal(0);
    expect(proxy.open).to.equal(0);
    hold.open();
  });
});
