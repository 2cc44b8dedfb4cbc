import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApprovalMode } from '../../src/client/approval-mode.js';
import { Codex } from '../../src/client/codex.js';
import { Sandbox } from '../../src/client/sandbox.js';
import type { IncomingServerRequest } from '../../src/connection/server-request.js';
import { InvalidParamsError } from '../../src/jsonrpc/json-rpc-error.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { response } from '../../src/testing/script/response.js';
import { startScriptedCodex, type ScriptedCodex } from '../../src/testing/scripted-codex.js';
import { StdioTransport } from '../../src/transport/stdio-transport.js';
import { RecordingTransport } from '../support/recording-transport.js';

type ApprovalParams = Extract<IncomingServerRequest, { method: 'item/commandExecution/requestApproval' }>['params'];

describe('approvals against the real app-server', function () {
  this.timeout(60_000);

  describe('command approval requests', () => {
    let scripted: ScriptedCodex | undefined;
    afterEach(async () => {
      await scripted?.dispose();
      scripted = undefined;
    });

    /** A turn whose model runs `touch FILE`, under a policy that asks the client first. */
    async function runTouch(file: string, codex: Codex, mock: ScriptedCodex['mock']) {
      mock.enqueue(response(execCommand(`touch ${file}`, { callId: `call_${file}` })), response(assistantMessage('Done.')));
      // workspace-write: an accepted command must not depend on escaping the read-only sandbox.
      const thread = await codex.threadStart({ sandbox: Sandbox.workspaceWrite });
      return thread.run('Create the file', { approvalMode: ApprovalMode.askUser });
    }

    it('a handler sees the command; accepting runs it', async () => {
      const seen: ApprovalParams[] = [];
      scripted = await startScriptedCodex({
        codex: {
          serverRequestHandlers: {
            'item/commandExecution/requestApproval': (params) => {
              seen.push(params);
              return { decision: 'accept' };
            },
          },
        },
      });
      const result = await runTouch('accepted.txt', scripted.codex, scripted.mock);
      expect(result.status).to.equal('completed');
      expect(seen).to.have.length(1);
      expect(seen[0]!.command).to.contain('touch accepted.txt');
      expect(existsSync(join(scripted.workspace, 'accepted.txt'))).to.equal(true);
      const command = result.items.find((item) => item.type === 'commandExecution');
      expect(command).to.deep.include({ status: 'completed', exitCode: 0 });
    });

    it('declining (asynchronously) keeps the command from running', async () => {
      scripted = await startScriptedCodex({
        codex: {
          serverRequestHandlers: {
            'item/commandExecution/requestApproval': async () => {
              await new Promise((resolve) => setTimeout(resolve, 20));
              return { decision: 'decline' };
            },
          },
        },
      });
      const result = await runTouch('declined.txt', scripted.codex, scripted.mock);
      expect(result.status).to.equal('completed');
      expect(existsSync(join(scripted.workspace, 'declined.txt'))).to.equal(false);
      const followUp = (await scripted.mock.waitForRequests(2))[1]!;
      expect(String(followUp.functionCallOutput('call_declined.txt')?.['output'])).to.contain('rejected by user');
    });

    it('a UI answers through serverRequests$, and sees the request resolved', async () => {
      scripted = await startScriptedCodex();
      const { codex } = scripted;
      const methods: string[] = [];
      const subscription = codex.serverRequests$.subscribe((request) => {
        methods.push(request.method);
        if (request.method === 'item/commandExecution/requestApproval') {
          // Answer later, as a dialog would.
          request.respond(new Promise((resolve) => setTimeout(() => resolve({ decision: 'accept' as const }), 30)));
        }
      });
      const resolved: unknown[] = [];
      const notifications = codex.notifications$.subscribe((n) => {
        if (n.method === 'serverRequest/resolved') resolved.push(n.params.requestId);
      });
      try {
        await runTouch('from-ui.txt', codex, scripted.mock);
        expect(methods).to.deep.equal(['item/commandExecution/requestApproval']);
        expect(existsSync(join(scripted.workspace, 'from-ui.txt'))).to.equal(true);
        expect(resolved).to.have.length(1);
      } finally {
        subscription.unsubscribe();
        notifications.unsubscribe();
      }
    });

    it('without any handler the default answer (accept, as the Python SDK) lets the command run', async () => {
      scripted = await startScriptedCodex();
      const result = await runTouch('default.txt', scripted.codex, scripted.mock);
      expect(result.status).to.equal('completed');
      expect(existsSync(join(scripted.workspace, 'default.txt'))).to.equal(true);
    });
  });

  describe('approval and sandbox presets on the wire', () => {
    let harness: AppServerHarness;
    let recording: RecordingTransport;
    let codex: Codex;
    beforeEach(async () => {
      harness = await AppServerHarness.create();
      codex = new Codex({
        transport: () => (recording = new RecordingTransport(new StdioTransport({ env: harness.env, cwd: harness.workspace }))),
      });
      await codex.ready();
    });
    afterEach(async () => {
      await codex.close();
      await harness.dispose();
    });

    const presetParams = (params: Record<string, unknown>) => ({
      approvalPolicy: params['approvalPolicy'],
      approvalsReviewer: params['approvalsReviewer'],
      sandbox: params['sandbox'],
      sandboxPolicy: params['sandboxPolicy'],
    });

    it('maps thread-level presets as the Python SDK does, defaulting to autoReview', async () => {
      await codex.threadStart();
      await codex.threadStart({ approvalMode: ApprovalMode.denyAll, sandbox: Sandbox.readOnly });
      await codex.threadStart({ approvalMode: ApprovalMode.autoReview, sandbox: Sandbox.workspaceWrite });
      await codex.threadStart({ approvalMode: ApprovalMode.askUser, sandbox: Sandbox.fullAccess });
      expect(recording.paramsOf('thread/start').map(presetParams)).to.deep.equal([
        { approvalPolicy: 'on-request', approvalsReviewer: 'auto_review', sandbox: undefined, sandboxPolicy: undefined },
        { approvalPolicy: 'never', approvalsReviewer: undefined, sandbox: 'read-only', sandboxPolicy: undefined },
        { approvalPolicy: 'on-request', approvalsReviewer: 'auto_review', sandbox: 'workspace-write', sandboxPolicy: undefined },
        { approvalPolicy: 'untrusted', approvalsReviewer: 'user', sandbox: 'danger-full-access', sandboxPolicy: undefined },
      ]);
    });

    it('sends turn-level sandbox policies and approval overrides only when given', async () => {
      harness.mock.enqueue(...Array.from({ length: 4 }, () => response(assistantMessage('ok'))));
      const thread = await codex.threadStart();
      await thread.run('plain');
      await thread.run('read only', { sandbox: Sandbox.readOnly });
      await thread.run('write', { sandbox: Sandbox.workspaceWrite, approvalMode: ApprovalMode.denyAll });
      await thread.run('full', { sandbox: Sandbox.fullAccess });
      expect(recording.paramsOf('turn/start').map(presetParams)).to.deep.equal([
        { approvalPolicy: undefined, approvalsReviewer: undefined, sandbox: undefined, sandboxPolicy: undefined },
        { approvalPolicy: undefined, approvalsReviewer: undefined, sandbox: undefined, sandboxPolicy: { type: 'readOnly', networkAccess: false } },
        { approvalPolicy: 'never', approvalsReviewer: undefined, sandbox: undefined, sandboxPolicy: { type: 'workspaceWrite' } },
        { approvalPolicy: undefined, approvalsReviewer: undefined, sandbox: undefined, sandboxPolicy: { type: 'dangerFullAccess' } },
      ]);
    });

    it('dangerouslyBypassApprovalsAndSandbox never asks and lifts the sandbox, for threads and turns', async () => {
      harness.mock.enqueue(response(assistantMessage('ok')));
      await codex.threadStart({ approvalMode: ApprovalMode.dangerouslyBypassApprovalsAndSandbox });
      const other = await codex.threadStart({ approvalMode: ApprovalMode.denyAll, sandbox: Sandbox.readOnly });
      await other.run('lifted', { approvalMode: ApprovalMode.dangerouslyBypassApprovalsAndSandbox });
      expect(presetParams(recording.paramsOf('thread/start')[0]!)).to.deep.equal({
        approvalPolicy: 'never',
        approvalsReviewer: undefined,
        sandbox: 'danger-full-access',
        sandboxPolicy: undefined,
      });
      expect(presetParams(recording.paramsOf('turn/start')[0]!)).to.deep.equal({
        approvalPolicy: 'never',
        approvalsReviewer: undefined,
        sandbox: undefined,
        sandboxPolicy: { type: 'dangerFullAccess' },
      });
      const afterTurn = await codex.request('thread/resume', { threadId: other.id });
      expect(afterTurn.approvalPolicy).to.equal('never');
      expect(afterTurn.sandbox).to.deep.equal({ type: 'dangerFullAccess' });
    });

    it('resume and fork without a mode keep the stored policy; a turn-level override persists', async () => {
      harness.mock.enqueue(response(assistantMessage('ok')), response(assistantMessage('ok')));
      const thread = await codex.threadStart({ approvalMode: ApprovalMode.denyAll });
      await thread.run('a first turn, so that the thread is stored');
      await codex.threadResume(thread.id);
      await codex.threadFork(thread.id);
      for (const method of ['thread/resume', 'thread/fork']) {
        expect(presetParams(recording.paramsOf(method)[0]!), method).to.deep.equal({
          approvalPolicy: undefined,
          approvalsReviewer: undefined,
          sandbox: undefined,
          sandboxPolicy: undefined,
        });
      }
      const resumed = await codex.request('thread/resume', { threadId: thread.id });
      expect(resumed.approvalPolicy).to.equal('never');

      await thread.run('switch', { approvalMode: ApprovalMode.askUser });
      const afterTurn = await codex.request('thread/resume', { threadId: thread.id });
      expect(afterTurn.approvalPolicy).to.equal('untrusted');
      expect(afterTurn.approvalsReviewer).to.equal('user');
    });

    it('rejects invalid presets before anything is sent', async () => {
      const before = recording.sent.length;
      const thread = await codex.thread('not-started');
      const errors = await Promise.all([
        codex.threadStart({ approvalMode: 'yolo' as never }).catch((e: unknown) => e),
        codex.threadStart({ sandbox: 'workspace' as never }).catch((e: unknown) => e),
        thread.run('x', { sandbox: 'everything' as never }).catch((e: unknown) => e),
      ]);
      for (const error of errors) expect(error).to.be.instanceOf(InvalidParamsError);
      expect((errors[0] as Error).message).to.contain('ApprovalMode.denyAll');
      expect((errors[1] as Error).message).to.contain('Sandbox.workspaceWrite');
      expect(recording.sent.length).to.equal(before);
    });
  });
});
