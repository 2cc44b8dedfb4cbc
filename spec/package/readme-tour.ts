// The README's tour, type-checked with the specs (readme.spec.ts keeps the two identical).
// It is not run: it needs a real model. Each of its calls is run offline by the examples.
export {};
import { ApprovalMode, Codex, Sandbox, agentTextDeltas, retryOnOverload } from 'codex-rx';
import { lastValueFrom, merge } from 'rxjs';

await using codex = await Codex.connect();                       // launches the pinned app-server
const thread = await codex.threadStart({ sandbox: Sandbox.workspaceWrite });

const result = await thread.run('Say hello');                    // Promise<TurnResult>
console.log(result.finalResponse, result.usage?.total.totalTokens);

const turn = await thread.turn('Write a haiku');                  // a TurnHandle: stream, steer, interrupt
turn.events$.pipe(agentTextDeltas()).subscribe({ next: (text) => process.stdout.write(text), error: console.error });
await turn.steer('Make it about the sea');
await turn.run();

const [a, b] = await Promise.all([codex.threadStart(), codex.threadStart()]);
merge(a.turn$('Plan the release'), b.turn$('Review the diff'))    // two turns at once, one connection
  .pipe(agentTextDeltas()).subscribe({ next: (text) => process.stdout.write(text), error: console.error });

codex.serverRequests$.subscribe({                                // approvals, answered by a UI, however late
  next: (request) => {
    if (request.method === 'item/commandExecution/requestApproval') request.respond({ decision: 'accept' });
    else request.decline();
  },
  error: console.error,
});
await thread.run('Run the tests', { approvalMode: ApprovalMode.askUser });

const models = await lastValueFrom(codex.request$('model/list', {}).pipe(retryOnOverload()));
