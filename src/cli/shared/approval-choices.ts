import { ApprovalMode } from '../../client/approval-mode.js';

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
