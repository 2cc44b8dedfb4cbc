import { InvalidParamsError } from '../jsonrpc/json-rpc-error.js';
import type { SandboxMode, SandboxPolicy } from '../protocol/generated/codecs.js';

/**
 * Sandbox presets, for threads and turns alike. A thread takes the preset as its `sandbox` mode;
 * a turn sends the matching `sandboxPolicy`, which applies to that turn and the ones after it.
 *
 * @example
 * const thread = await codex.threadStart({ sandbox: Sandbox.workspaceWrite });
 * await thread.run('Review only.', { sandbox: Sandbox.readOnly });
 */
export const Sandbox = {
  /** Read files; write nothing. */
  readOnly: 'read-only',
  /** Read files, and write inside the workspace and the configured writable roots. */
  workspaceWrite: 'workspace-write',
  /** No filesystem restrictions. */
  fullAccess: 'danger-full-access',
} as const satisfies Record<string, SandboxMode>;

/**
 * One of the `Sandbox` presets.
 *
 * @example
 * const reviewOnly = process.argv.includes('--review');
 * const sandbox: Sandbox = reviewOnly ? Sandbox.readOnly : Sandbox.workspaceWrite;
 * await thread.run('Fix the failing test', { sandbox });
 */
export type Sandbox = (typeof Sandbox)[keyof typeof Sandbox];

const POLICIES: Readonly<Record<Sandbox, SandboxPolicy>> = {
  'read-only': { type: 'readOnly', networkAccess: false },
  'workspace-write': { type: 'workspaceWrite' },
  'danger-full-access': { type: 'dangerFullAccess' },
};

/** The thread-level wire value of a preset; throws before anything is sent when it is not one. */
export function sandboxMode(sandbox: Sandbox, method: string): SandboxMode {
  assertSandbox(sandbox, method);
  return sandbox;
}

/** The turn-level wire policy of a preset; throws before anything is sent when it is not one. */
export function sandboxPolicy(sandbox: Sandbox, method: string): SandboxPolicy {
  assertSandbox(sandbox, method);
  return POLICIES[sandbox];
}

function assertSandbox(sandbox: unknown, method: string): asserts sandbox is Sandbox {
  if (typeof sandbox === 'string' && Object.hasOwn(POLICIES, sandbox)) return;
  const options = Object.entries(Sandbox)
    .map(([name, value]) => `Sandbox.${name} ('${value}')`)
    .join(', ');
  throw new InvalidParamsError(-32602, `sandbox must be one of ${options}; nothing was sent`, undefined, method);
}
