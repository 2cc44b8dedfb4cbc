import { Sandbox } from '../../client/sandbox.js';

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
