import { expect } from 'chai';
import { filter, firstValueFrom } from 'rxjs';
import { Sandbox } from '../../src/client/sandbox.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
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
});
