import { ApprovalMode } from '../../client/approval-mode.js';
import { Sandbox } from '../../client/sandbox.js';

/**
 * The `--approval` values and the presets they stand for (kebab-case, as command-line options
 * are spelled).
 *
 * @example
 * const mode = APPROVAL_CHOICES['ask-user']; // ApprovalMode.askUser
 */
export const APPROVAL_CHOICES: Readonly<Record<string, ApprovalMode>> = {
  'deny-all': ApprovalMode.denyAll,
  'auto-review': ApprovalMode.autoReview,
  'ask-user': ApprovalMode.askUser,
};

/**
 * The `--sandbox` values and the presets they stand for. The CLI spells `full-access` without
 * the wire value's `danger-` prefix, as the preset's name does.
 *
 * @example
 * const sandbox = SANDBOX_CHOICES['workspace-write']; // Sandbox.workspaceWrite
 */
export const SANDBOX_CHOICES: Readonly<Record<string, Sandbox>> = {
  'read-only': Sandbox.readOnly,
  'workspace-write': Sandbox.workspaceWrite,
  'full-access': Sandbox.fullAccess,
};
