/**
 * Approvals: the server asks before running commands, and the app answers from
 * `serverRequests$` with `answerServerRequests`, the way a UI shows a dialog and answers when the
 * user clicks.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApprovalMode, Sandbox, answerServerRequests, type Codex } from 'codex-rx';
import { assistantMessage, execCommand, response } from 'codex-rx/testing';
import { runIfMain, type ExampleIo } from './support/run-example.js';

export const script = [
  response(execCommand('touch notes.txt')),
  response(execCommand('rm -f notes.txt')),
  response(assistantMessage('I created notes.txt; deleting it was declined, so it is still there.')),
];

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  // The policy "askUser" sends a request for every command outside the trusted set.
  const thread = await codex.threadStart({ cwd: io.workspace, sandbox: Sandbox.workspaceWrite, approvalMode: ApprovalMode.askUser });

  // A request that the app saw waits for its answer, however long the user takes; other kinds
  // of request are declined rather than left waiting.
  const dialogs = codex.serverRequests$
    .pipe(
      answerServerRequests('item/commandExecution/requestApproval', async (params) => {
        const decision = await decide(params.command ?? '');
        io.log(`approval: ${params.command} → ${decision}`);
        return { decision };
      }),
    )
    .subscribe({ next: (other) => other.decline(), error: (error: unknown) => io.log(`server requests: ${String(error)}`) });

  try {
    const result = await thread.run('Create notes.txt with `touch`, then delete it with `rm`, then say what happened.');
    io.log(`answer: ${result.finalResponse}`);
    io.log(`notes.txt exists: ${existsSync(join(io.workspace, 'notes.txt'))}`);
  } finally {
    dialogs.unsubscribe();
  }
}

/** Stands in for the user clicking a button: deleting is declined, anything else accepted. */
async function decide(command: string): Promise<'accept' | 'decline'> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  return /\brm\b/.test(command) ? 'decline' : 'accept';
}

await runIfMain(import.meta, { main, script });
