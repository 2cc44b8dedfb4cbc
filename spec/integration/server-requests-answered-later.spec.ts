import { expect } from 'chai';
import type { CodexDiagnostic } from '../../src/client/codex-diagnostic.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { delay, filter, firstValueFrom, observeOn, asyncScheduler, scan, type Subscription } from 'rxjs';
import { ApprovalMode } from '../../src/client/approval-mode.js';
import type { Codex } from '../../src/client/codex.js';
import { Sandbox } from '../../src/client/sandbox.js';
import type { ConnectionDiagnostic } from '../../src/connection/rpc-connection.js';
import type { IncomingServerRequest, IncomingServerRequestOf } from '../../src/connection/server-request.js';
import { answerServerRequests } from '../../src/operators/answer-server-requests.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { response } from '../../src/testing/script/response.js';
import { startScriptedCodex, type ScriptedCodex } from '../../src/testing/scripted-codex.js';

describe('server requests answered later, against the real app-server', function () {
  this.timeout(60_000);
  let scripted: ScriptedCodex | undefined;
  const subscriptions: Subscription[] = [];
  afterEach(async () => {
    for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
    await scripted?.dispose();
    scripted = undefined;
  });

  /** Scripts a model that runs `touch FILE` and then answers, under a policy that asks the client first. */
  async function touchTurn(file: string, codex: Codex, mock: ScriptedCodex['mock']) {
    mock.enqueue(response(execCommand(`touch ${file}`, { callId: `call_${file}` })), response(assistantMessage('Done.')));
    const thread = await codex.threadStart({ sandbox: Sandbox.workspaceWrite });
    return { thread, input: 'Create the file', options: { approvalMode: ApprovalMode.askUser } };
  }

  async function runTouch(file: string) {
    const { codex, mock } = scripted!;
    const { thread, input, options } = await touchTurn(file, codex, mock);
    return thread.run(input, options);
  }

  const ran = (file: string) => existsSync(join(scripted!.workspace, file));

  async function expectDeclinedToModel(file: string) {
    const followUp = (await scripted!.mock.waitForRequests(2))[1]!;
    expect(String(followUp.functionCallOutput(`call_${file}`)?.['output'])).to.contain('rejected by user');
  }

  it('serverRequests$.pipe(delay(0)) then decline: the command does not run', async () => {
    scripted = await startScriptedCodex();
    subscriptions.push(
      scripted.codex.serverRequests$.pipe(delay(0)).subscribe({
        next: (request) => {
          if (request.method === 'item/commandExecution/requestApproval') request.respond({ decision: 'decline' });
        },
        error: () => {},
      }),
    );
    const result = await runTouch('delayed.txt');
    expect(result.status).to.equal('completed');
    expect(ran('delayed.txt')).to.equal(false);
    await expectDeclinedToModel('delayed.txt');
  });

  it('observeOn(asyncScheduler) then accept: the command runs on the answer given', async () => {
    scripted = await startScriptedCodex();
    subscriptions.push(
      scripted.codex.serverRequests$.pipe(observeOn(asyncScheduler)).subscribe({
        next: (request) => request.method === 'item/commandExecution/requestApproval' && request.respond({ decision: 'accept' }),
        error: () => {},
      }),
    );
    await runTouch('observed-on.txt');
    expect(ran('observed-on.txt')).to.equal(true);
  });

  it('a UI keeps requests in scan state and pendingServerRequests$ lists them until a click declines', async () => {
    scripted = await startScriptedCodex();
    const { codex, mock } = scripted;
    // The UI's state: requests it has shown, kept until answered.
    const shown: IncomingServerRequest[][] = [];
    subscriptions.push(
      codex.serverRequests$.pipe(scan((all, request) => [...all, request], [] as IncomingServerRequest[])).subscribe({
        next: (state) => shown.push(state),
        error: () => {},
      }),
    );
    const lists: number[] = [];
    subscriptions.push(codex.pendingServerRequests$.subscribe({ next: (list) => lists.push(list.length), error: () => {} }));
    const { thread, input, options } = await touchTurn('clicked.txt', codex, mock);
    const running = thread.run(input, options);
    const [waiting] = await firstValueFrom(codex.pendingServerRequests$.pipe(filter((list) => list.length === 1)));
    // The request stays pending however long the person takes.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(waiting!.answered).to.equal(false);
    expect(ran('clicked.txt')).to.equal(false);
    expect(shown.at(-1)!.map((request) => request.id)).to.deep.equal([waiting!.id]);
    // The click.
    shown.at(-1)![0]!.decline();
    expect(waiting!.answered).to.equal(true);
    expect((await running).status).to.equal('completed');
    expect(ran('clicked.txt')).to.equal(false);
    expect(lists[0]).to.equal(0);
    expect(lists).to.include(1);
    expect(lists.at(-1)).to.equal(0);
  });

  it('a turn waiting for an answer is not stalled: held past three stall timeouts, then accepted, it completes', async () => {
    scripted = await startScriptedCodex();
    const { codex, mock } = scripted;
    subscriptions.push(codex.serverRequests$.subscribe({ next: () => {}, error: () => {} }));
    const { thread, input, options } = await touchTurn('slow-answer.txt', codex, mock);
    const running = thread.run(input, { ...options, stallTimeoutMs: 1_000 });
    const [waiting] = await firstValueFrom(codex.pendingServerRequests$.pipe(filter((list) => list.length === 1)));
    // Each stall check in this time asks the server, which says the thread waits on an approval.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(waiting!.answered).to.equal(false);
    (waiting as IncomingServerRequestOf<'item/commandExecution/requestApproval'>).respond({ decision: 'accept' });
    const result = await running;
    expect(result.status).to.equal('completed');
    expect(result.finalResponse).to.equal('Done.');
    expect(ran('slow-answer.txt')).to.equal(true);
  });

  it('serverRequest/resolved (the turn was interrupted) takes the request off pendingServerRequests$', async () => {
    scripted = await startScriptedCodex();
    const { codex, mock } = scripted;
    const lists: (readonly IncomingServerRequest[])[] = [];
    subscriptions.push(codex.pendingServerRequests$.subscribe({ next: (list) => lists.push(list), error: () => {} }));
    const { thread, input, options } = await touchTurn('interrupted.txt', codex, mock);
    const turn = await thread.turn(input, options);
    const [waiting] = await firstValueFrom(codex.pendingServerRequests$.pipe(filter((list) => list.length === 1)));
    const resolved = firstValueFrom(codex.notifications$.pipe(filter((n) => n.method === 'serverRequest/resolved')));
    await turn.interrupt();
    expect((await resolved).params).to.deep.include({ requestId: waiting!.id });
    expect(lists.at(-1)).to.deep.equal([]);
    expect(waiting!.answered).to.equal(true);
    // Answering after the server resolved it writes nothing and accepts nothing.
    (waiting as IncomingServerRequestOf<'item/commandExecution/requestApproval'>).respond({ decision: 'accept' });
    expect(ran('interrupted.txt')).to.equal(false);
  });

  it('serverRequestTimeoutMs declines what a subscriber left unanswered, with a diagnostic', async () => {
    scripted = await startScriptedCodex({ codex: { serverRequestTimeoutMs: 300 } });
    const { codex } = scripted;
    const diagnostics: CodexDiagnostic[] = [];
    subscriptions.push(
      codex.serverRequests$.subscribe({ next: () => {}, error: () => {} }),
      codex.diagnostics$.subscribe({ next: (d) => diagnostics.push(d), error: () => {} }),
    );
    const result = await runTouch('timed-out.txt');
    expect(result.status).to.equal('completed');
    expect(ran('timed-out.txt')).to.equal(false);
    await expectDeclinedToModel('timed-out.txt');
    expect(diagnostics.filter((d) => d.kind === 'server-request-timeout').map((d) => (d as { method: string }).method)).to.deep.equal([
      'item/commandExecution/requestApproval',
    ]);
  });

  it('setServerRequestHandler returns a function that removes the handler', async () => {
    scripted = await startScriptedCodex();
    let calls = 0;
    const remove = await scripted.codex.setServerRequestHandler('item/commandExecution/requestApproval', () => {
      calls += 1;
      return { decision: 'decline' };
    });
    await runTouch('handled.txt');
    expect(ran('handled.txt')).to.equal(false);
    remove();
    // Nobody can see the next request: it gets the default answer (accept) at once.
    await runTouch('unseen.txt');
    expect(calls).to.equal(1);
    expect(ran('unseen.txt')).to.equal(true);
  });

  it('answerServerRequests answers one method from a Promise, passing the others on', async () => {
    scripted = await startScriptedCodex();
    const asked: string[] = [];
    subscriptions.push(
      scripted.codex.serverRequests$
        .pipe(
          answerServerRequests('item/commandExecution/requestApproval', async (params) => {
            asked.push(params.command ?? '');
            await new Promise((resolve) => setTimeout(resolve, 50));
            return { decision: 'decline' as const };
          }),
        )
        .subscribe({ next: (other) => other.decline(), error: () => {} }),
    );
    await runTouch('helper.txt');
    expect(asked).to.have.length(1);
    expect(asked[0]).to.contain('touch helper.txt');
    expect(ran('helper.txt')).to.equal(false);
  });
});
