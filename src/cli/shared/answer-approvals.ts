import { Observable } from 'rxjs';
import { answerServerRequests } from '../../operators/answer-server-requests.js';
import type { IncomingServerRequest } from '../../connection/server-request.js';
import { displayCommand } from './display-command.js';

/** Something the server wants the client to approve before the agent goes on. */
export interface ApprovalRequest {
  readonly threadId: string;
  readonly turnId: string;
  readonly itemId: string;
  readonly kind: 'command' | 'fileChange';
  /** What is to be approved, in one line: the command, or what the file changes are for. */
  readonly subject: string;
}

/** Where an approval stands: asked, then accepted or declined. */
export interface ApprovalEvent {
  readonly request: ApprovalRequest;
  readonly state: 'asked' | 'accepted' | 'declined';
}

/**
 * Answers the server's command and file-change approval requests with `decide`, and emits each
 * one as it is asked and as it is decided (for a view to show). Other server requests get their
 * fail-safe answer (`decline()`).
 *
 * A request waits for `decide` however long a person thinks (a subscriber saw it, so no default
 * answer is sent meanwhile); a `decide` that fails declines. Subscribe before starting the turns,
 * since `serverRequests$` is hot.
 *
 * @example
 * answerApprovals(codex.serverRequests$, async () => true).subscribe({
 *   next: ({ request, state }) => console.error(`${request.subject}: ${state}`),
 *   error: (error: unknown) => console.error(error),
 * });
 */
export function answerApprovals(
  requests$: Observable<IncomingServerRequest>,
  decide: (request: ApprovalRequest) => Promise<boolean>,
): Observable<ApprovalEvent> {
  return new Observable<ApprovalEvent>((subscriber) => {
    const decision = async (incoming: IncomingServerRequest) => {
      const request = approvalRequest(incoming)!;
      subscriber.next({ request, state: 'asked' });
      const accepted = await decide(request).catch(() => false);
      subscriber.next({ request, state: accepted ? 'accepted' : 'declined' });
      return { decision: accepted ? ('accept' as const) : ('decline' as const) };
    };
    return requests$
      .pipe(
        answerServerRequests('item/commandExecution/requestApproval', (_params, incoming) => decision(incoming)),
        answerServerRequests('item/fileChange/requestApproval', (_params, incoming) => decision(incoming)),
      )
      .subscribe({
        next: (other) => other.decline(),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
  });
}

function approvalRequest(incoming: IncomingServerRequest): ApprovalRequest | undefined {
  switch (incoming.method) {
    case 'item/commandExecution/requestApproval': {
      const { threadId, turnId, itemId, command, reason } = incoming.params;
      const subject = command ? displayCommand(command) : (reason ?? 'run a command');
      return { threadId, turnId, itemId, kind: 'command', subject };
    }
    case 'item/fileChange/requestApproval': {
      const { threadId, turnId, itemId, reason } = incoming.params;
      return { threadId, turnId, itemId, kind: 'fileChange', subject: reason ?? 'apply file changes' };
    }
    default:
      return undefined;
  }
}
