import { InvalidParamsError } from '../jsonrpc/json-rpc-error.js';
import type { ApprovalsReviewer, AskForApproval, SandboxMode, SandboxPolicy } from '../protocol/generated/codecs.js';

/**
 * Approval presets: who decides when the agent wants to do something its sandbox does not
 * allow. Threads start with `autoReview`; resume, fork and turns send nothing unless given one,
 * so the thread's stored setting applies. A turn's mode persists for the turns after it.
 *
 * @example
 * const thread = await codex.threadStart({ approvalMode: ApprovalMode.denyAll });
 * await thread.run('Run the tests', { approvalMode: ApprovalMode.askUser });
 */
export const ApprovalMode = {
  /** Never ask: what the sandbox forbids is refused. */
  denyAll: 'denyAll',
  /** The model asks when it needs to, and an automatic reviewer decides. */
  autoReview: 'autoReview',
  /** Ask the client for every command outside the trusted set (`item/commandExecution/requestApproval`). */
  askUser: 'askUser',
  /**
   * Never ask and lift the sandbox: sends `approvalPolicy: 'never'` with the `danger-full-access`
   * sandbox (as `Sandbox.fullAccess` does), so every command runs unchecked. Only for machines
   * that are themselves a sandbox. An explicit `sandbox` option still wins.
   */
  dangerouslyBypassApprovalsAndSandbox: 'dangerouslyBypassApprovalsAndSandbox',
} as const;

/**
 * One of the `ApprovalMode` presets.
 *
 * @example
 * const mode: ApprovalMode = process.env.CI ? ApprovalMode.denyAll : ApprovalMode.askUser;
 * const thread = await codex.threadStart({ approvalMode: mode });
 */
export type ApprovalMode = (typeof ApprovalMode)[keyof typeof ApprovalMode];

/**
 * The wire settings a preset stands for.
 *
 * @example
 * // What ApprovalMode.askUser sends on the wire.
 * const askUser: ApprovalSettings = { approvalPolicy: 'untrusted', approvalsReviewer: 'user' };
 */
export interface ApprovalSettings {
  readonly approvalPolicy: AskForApproval;
  readonly approvalsReviewer: ApprovalsReviewer | null;
}

const SETTINGS: Readonly<Record<ApprovalMode, ApprovalSettings>> = {
  denyAll: { approvalPolicy: 'never', approvalsReviewer: null },
  autoReview: { approvalPolicy: 'on-request', approvalsReviewer: 'auto_review' },
  askUser: { approvalPolicy: 'untrusted', approvalsReviewer: 'user' },
  dangerouslyBypassApprovalsAndSandbox: { approvalPolicy: 'never', approvalsReviewer: null },
};

/**
 * The params a preset adds to a request (a reviewer of `null` is left out: the server then keeps
 * its default). Throws before anything is sent when the value is not a preset.
 */
export function approvalParams(
  mode: ApprovalMode,
  method: string,
): { approvalPolicy: AskForApproval; approvalsReviewer?: ApprovalsReviewer; sandbox?: SandboxMode; sandboxPolicy?: SandboxPolicy } {
  if (typeof mode !== 'string' || !Object.hasOwn(SETTINGS, mode)) {
    const options = Object.keys(ApprovalMode)
      .map((name) => `ApprovalMode.${name}`)
      .join(', ');
    throw new InvalidParamsError(-32602, `approvalMode must be one of ${options}; nothing was sent`, undefined, method);
  }
  const { approvalPolicy, approvalsReviewer } = SETTINGS[mode];
  if (mode === ApprovalMode.dangerouslyBypassApprovalsAndSandbox) {
    // Turns take a sandbox policy; thread/start, resume and fork take a sandbox mode.
    return method === 'turn/start' ? { approvalPolicy, sandboxPolicy: { type: 'dangerFullAccess' } } : { approvalPolicy, sandbox: 'danger-full-access' };
  }
  return approvalsReviewer === null ? { approvalPolicy } : { approvalPolicy, approvalsReviewer };
}
