import { expect } from 'chai';
import { filter, firstValueFrom } from 'rxjs';
import { Sandbox } from '../../src/client/sandbox.js';
import { ConnectionLostError } from '../../src/errors/connection-lost-error.js';
import { EphemeralThreadLostError } from '../../src/errors/ephemeral-thread-lost-error.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { gate } from '../../src/testing/script/gate.js';
import { response } from '../../src/testing/script/response.js';
import type { TurnEvent } from '../../src/turns/turn-event.js';
import { startReconnectFixture, until, withinOrExplain, type ReconnectFixture } from './reconnect-fixture.js';

describe('reconnect: the edges of a drop (a command mid-run, an ephemeral thread, a lost turn/start)', function () {
  this.timeout(60_000);
  let fixture: ReconnectFixture;
  before(async () => {
    fixture = await startReconnectFixture();
  });
  after(async () => {
    await fixture.dispose();
  });

  it('a command running at the cut is completed once, with its output, never as a rebuilt "inProgress"', async () => {
    const { codex, mock, proxy, harness } = fixture;
    mock.enqueue(response(execCommand('sleep 1.5; echo slept-and-done', { callId: 'call_sleep' })), response(assistantMessage('Slept.')));
    const thread = await codex.threadStart({ cwd: harness.workspace, sandbox: Sandbox.workspaceWrite });
    const turn = await thread.turn('sleep then print');
    const completions: TurnEvent[] = [];
    turn.events$.subscribe({ next: (event) => event.method === 'item/completed' && completions.push(event), error: () => undefined });
    const result = turn.run();
    await firstValueFrom(turn.events$.pipe(filter((event) => event.method === 'item/started' && event.params.item.type === 'commandExecution')));
    proxy.cutAll();

    const done = await withinOrExplain(result, fixture);
    expect(done.status).to.equal('completed');
    expect(done.finalResponse).to.equal('Slept.');
    const commands = done.items.filter((item) => item.type === 'commandExecution');
    expect(commands).to.have.length(1);
    const command = commands[0]!;
    expect(command.type === 'commandExecution' && command.status).to.equal('completed');
    expect(command.type === 'commandExecution' && command.aggregatedOutput).to.contain('slept-and-done');
    const ids = completions.map((event) => (event.method === 'item/completed' ? event.params.item.id : ''));
    expect(new Set(ids).size, `completed: ${ids.join(', ')}`).to.equal(ids.length);
    expect(codex.trackedTurns).to.equal(0);
    await until('the drop reported', () => fixture.diagnostics.some((d) => d.kind === 'reconnected'));
  });

  for (const firstTurn of [false, true]) {
    it(`a turn/start whose answer is lost at the drop${firstTurn ? ' (the thread\'s first turn: no stored history yet)' : ''}: run() follows the turn that call started, found by its clientUserMessageId, once and without an error`, async () => {
      const { codex, mock, proxy, harness } = fixture;
      const thread = await codex.threadStart({ cwd: harness.workspace });
      if (!firstTurn) {
        mock.enqueue(response(assistantMessage('first')));
        await thread.run('a first turn, so that the thread has a rollout');
      }
      const asked = mock.requests.length;
      mock.enqueue(response(assistantMessage('Answered once.')));
      proxy.stallFromServer(true);
      const result = thread.run('only once, please').then(
        (value) => value,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
      // The server got the turn/start (the model was asked), but its answer never reaches the client.
      await until('the model asked', () => mock.requests.length > asked);
      proxy.cutAll();
      proxy.stallFromServer(false);

      const turn = await withinOrExplain(result, fixture);
      if (turn instanceof Error) expect.fail(`run() rejected: ${turn.name}: ${turn.message}`);
      expect(turn.status).to.equal('completed');
      expect(turn.finalResponse).to.equal('Answered once.');
      expect(turn.items.filter((item) => item.type === 'agentMessage')).to.have.length(1);
      expect(mock.requests.length, 'the prompt reached the model once').to.equal(asked + 1);
      const stored = await thread.read({ includeTurns: true });
      expect(stored.thread.turns).to.have.length(firstTurn ? 1 : 2);
      expect(codex.trackedTurns).to.equal(0);
    });
  }

  it('a turn/start lost before it reached the server still fails with ConnectionLostError (retryable), and a retry runs the prompt once', async () => {
    const { codex, mock, proxy, harness } = fixture;
    const thread = await codex.threadStart({ cwd: harness.workspace });
    mock.enqueue(response(assistantMessage('first')));
    await thread.run('a first turn');
    const asked = mock.requests.length;
    proxy.stall(true);
    const lost = thread.run('never sent').then(
      () => undefined,
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    proxy.cutAll();
    proxy.stall(false);
    const error = await withinOrExplain(lost, fixture);
    expect(error).to.be.instanceOf(ConnectionLostError);
    expect((error as ConnectionLostError).method).to.equal('turn/start');
    mock.enqueue(response(assistantMessage('Sent now.')));
    expect((await thread.run('sent again')).finalResponse).to.equal('Sent now.');
    expect(mock.requests.length).to.equal(asked + 1);
  });

  it('an ephemeral thread cannot be resumed after a drop: its running turn and later runs fail fast with EphemeralThreadLostError, never a hang or a plain Error', async () => {
    const { codex, mock, proxy, harness } = fixture;
    const hold = gate('mid-turn');
    mock.enqueue(response(deltas(['Half '], { id: 'msg_half' }), hold, deltas(['done'])));
    const thread = await codex.threadStart({ cwd: harness.workspace, ephemeral: true });
    const turn = await thread.turn('a turn cut short');
    const running = turn.run().then(
      () => undefined,
      (error: unknown) => error,
    );
    await hold.waitUntilReached();
    const readyBefore = fixture.states.filter((s) => s.state === 'ready').length;
    proxy.cutAll();
    await until('ready again', () => fixture.states.filter((s) => s.state === 'ready').length > readyBefore);
    const ended = await withinOrExplain(running, fixture, 5_000);
    hold.open();
    expect(ended).to.be.instanceOf(EphemeralThreadLostError);
    expect(ended).to.include({ threadId: thread.id, turnId: turn.id, retryable: false });
    expect(String((ended as Error).message)).to.match(/ephemeral/);

    const asked = mock.requests.length;
    for (const attempt of [1, 2]) {
      const later = await withinOrExplain(
        thread.run(`run ${attempt} after the drop`).then(
          () => undefined,
          (error: unknown) => error,
        ),
        fixture,
        5_000,
      );
      expect(later, `run ${attempt}`).to.be.instanceOf(EphemeralThreadLostError);
    }
    expect(mock.requests.length, 'nothing sent for a thread this client can no longer follow').to.equal(asked);
    expect(fixture.diagnostics.some((d) => d.kind === 'thread-resume-failed' && d.threadId === thread.id)).to.equal(true);
    expect(codex.trackedTurns).to.equal(0);
  });
});

