import type { FunctionCallOptions } from './function-call-options.js';
import { functionCall } from './function-call.js';
import type { EventStep } from './response-script.js';

/**
 * Optional arguments of the server's `exec_command` tool, in its own (snake_case) names.
 *
 * @example
 * const args: ExecCommandArguments = { workdir: 'packages/app', yield_time_ms: 1000 };
 * mock.enqueue(response(execCommand('npm test', { arguments: args })), response(assistantMessage('Tests ran.')));
 */
export interface ExecCommandArguments {
  /** Directory to run in; defaults to the turn's cwd. */
  readonly workdir?: string;
  /** How long the tool waits for output before returning (250–30000 ms; server default 10000). */
  readonly yield_time_ms?: number;
  /** `require_escalated` asks to run outside the sandbox (always triggers an approval request). */
  readonly sandbox_permissions?: 'use_default' | 'require_escalated';
  /** The question shown with an escalation approval request. */
  readonly justification?: string;
  readonly [name: string]: unknown;
}

/**
 * The model asking the server to run a shell command through its `exec_command` tool. Under
 * `approvalPolicy: "untrusted"` the server first sends `item/commandExecution/requestApproval`.
 * Script a second response for the request the server sends after the command has run.
 *
 * @example
 * mock.enqueue(
 *   response(execCommand('touch created.txt', { callId: 'call_touch' })),
 *   response(assistantMessage('Created the file.', { phase: 'final_answer' })),
 * );
 */
export function execCommand(
  cmd: string,
  options: FunctionCallOptions & { readonly arguments?: ExecCommandArguments } = {},
): EventStep[] {
  return functionCall('exec_command', { cmd, ...options.arguments }, options);
}
