import type { DefaultAnswer } from './default-server-request-answers.js';
import { defaultServerRequestAnswer } from './default-server-request-answers.js';
import type { ServerRequestMethod, ServerRequestResult } from './server-request.js';

/**
 * The answer a server request gets when the client gives up waiting for someone who saw it (or
 * when `decline()` is called): the default answer, except that approvals are declined. It never
 * accepts or grants anything, since a person may have been looking at the request.
 *
 * @example
 * const answer = failSafeServerRequestAnswer('item/commandExecution/requestApproval');
 * // { result: { decision: 'decline' } }
 */
export function failSafeServerRequestAnswer<M extends ServerRequestMethod>(method: M): DefaultAnswer<M> {
  const refusal = REFUSALS[method];
  return (refusal === undefined ? defaultServerRequestAnswer(method) : { result: refusal }) as DefaultAnswer<M>;
}

// Only the methods whose default answer says yes; the others already refuse by default.
const REFUSALS: { readonly [M in ServerRequestMethod]?: ServerRequestResult<M> } = {
  'item/commandExecution/requestApproval': { decision: 'decline' },
  'item/fileChange/requestApproval': { decision: 'decline' },
  applyPatchApproval: { decision: { denied: { rejection: 'declined by the client' } } },
  execCommandApproval: { decision: { denied: { rejection: 'declined by the client' } } },
};
