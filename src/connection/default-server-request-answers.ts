import type { ServerRequestMethod, ServerRequestResult } from './server-request.js';

/**
 * What the default answer of a server request is: a result, or an error when no result can be made up.
 *
 * @example
 * const answer: DefaultAnswer<'item/fileChange/requestApproval'> = defaultServerRequestAnswer('item/fileChange/requestApproval');
 * if ('result' in answer) console.log(answer.result.decision); // 'accept'
 */
export type DefaultAnswer<M extends ServerRequestMethod> =
  | { readonly result: ServerRequestResult<M> }
  | { readonly error: { readonly code: number; readonly message: string } };

/**
 * The answer each server request gets when neither a handler nor a `serverRequests$` subscriber
 * answers it. Each is a valid response of the method's shape:
 * - command and file-change approvals are accepted, as the Python SDK does: the approval policy
 *   chosen for the thread (`ApprovalMode`) decides what is asked at all; pass handlers to decide
 *   case by case;
 * - permission requests grant nothing, elicitations and user-input questions are declined or
 *   left unanswered, dynamic tool calls fail with a message saying no tool is registered;
 * - credentials cannot be invented: token refresh and attestation get a JSON-RPC error.
 *
 * @example
 * const answer = defaultServerRequestAnswer('item/permissions/requestApproval');
 * // { result: { permissions: {} } }
 */
export function defaultServerRequestAnswer<M extends ServerRequestMethod>(method: M): DefaultAnswer<M> {
  return DEFAULT_ANSWERS[method]() as DefaultAnswer<M>;
}

const noHandler = (what: string) => ({
  error: { code: -32603, message: `the client has no handler for ${what}` },
});

const DEFAULT_ANSWERS: { readonly [M in ServerRequestMethod]: () => DefaultAnswer<M> } = {
  'item/commandExecution/requestApproval': () => ({ result: { decision: 'accept' } }),
  'item/fileChange/requestApproval': () => ({ result: { decision: 'accept' } }),
  'item/tool/requestUserInput': () => ({ result: { answers: {} } }),
  'mcpServer/elicitation/request': () => ({ result: { action: 'decline' } }),
  'item/permissions/requestApproval': () => ({ result: { permissions: {} } }),
  'item/tool/call': () => ({
    result: { success: false, contentItems: [{ type: 'inputText', text: 'No handler is registered for this tool on the client.' }] },
  }),
  'account/chatgptAuthTokens/refresh': () => noHandler('ChatGPT token refresh'),
  'attestation/generate': () => noHandler('attestation'),
  applyPatchApproval: () => ({ result: { decision: 'approved' } }),
  execCommandApproval: () => ({ result: { decision: 'approved' } }),
};
