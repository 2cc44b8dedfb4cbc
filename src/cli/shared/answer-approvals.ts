import { concat, EMPTY, from, map, mergeMap, of, type Observable } from 'rxjs';
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
 * one as it is asked and as it is decided (for a view to show). Other server requests are left
 * to their default answers.
 *
 * A request is claimed as soon as it arrives and answered when `decide` settles: one left
 * unclaimed while a person thinks would get the default answer (accept) at once. A `decide`
 * that fails declines. Subscribe before starting the turns, since `serverRequests$` is hot.
 *
 * @example
 * answerApprovals(codex.serverRequests$, async () => true).subscribe(({ request, state }) =>
 *   console.error(`${request.subject}: ${state}`),
 * );
 */
export function answerApprovals(
  requests$: Observable<IncomingServerRequest>,
  decide: (request: ApprovalRequest) => Promise<boolean>,
): Observable<ApprovalEvent> {
  // mergeMap, not concatMap: the project function must run (and claim the request) the moment
  // the request is emitted; concatMap would queue it, and the default answer would go out.
  return requests$.pipe(
    mergeMap((incoming) => {
      const request = approvalRequest(incoming);
      if (request === undefined) return EMPTY;
      const accepted = decide(request).catch(() => false);
      const decision = accepted.then((yes) => ({ decision: yes ? ('accept' as const) : ('decline' as const) }));
      if (incoming.method === 'item/commandExecution/requestApproval') incoming.respond(decision);
      else if (incoming.method === 'item/fileChange/requestApproval') incoming.respond(decision);
      return concat(
        of<ApprovalEvent>({ request, state: 'asked' }),
        from(accepted).pipe(map((yes): ApprovalEvent => ({ request, state: yes ? 'accepted' : 'declined' }))),
      );
    }),
  );
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
