import { insideRoots } from './inside-roots.js';
import { SANDBOX_POLICY_WIDTH, SANDBOX_WIDTH, type ParamPolicySettings, type ParamRefusal } from './relay-param-policy.js';

/**
 * Builds the check of the settings a thread actually got (the result of `thread/start`,
 * `thread/resume` or `thread/fork`) against the relay's policy: the first one outside it, or
 * undefined. The param policy only sees what a browser sets; a thread also takes the host's
 * `config.toml` (a sandbox or approval policy wider than the relay's) and, when resumed or forked
 * without a `cwd`, the directory it was started in elsewhere. `roots` must be real paths.
 *
 * @example
 * const refused = threadSettingsPolicy({ ...DEFAULT_RELAY_OPTIONS, roots: ['/srv/project'] });
 * refused({ thread: { id: 't' }, cwd: '/home/me/other', sandbox: { type: 'readOnly' }, approvalPolicy: 'on-request' }); // { param: 'cwd', … }
 */
export function threadSettingsPolicy(settings: Pick<ParamPolicySettings, 'roots' | 'maxSandbox' | 'allowApprovalNever'>): (result: Readonly<Record<string, unknown>>) => ParamRefusal | undefined {
  const maxWidth = SANDBOX_WIDTH[settings.maxSandbox] ?? 0;
  const refuse = (param: string, reason: string): ParamRefusal => ({ param, reason });
  return (result) => {
    const { cwd, sandbox, approvalPolicy } = result;
    if (typeof cwd !== 'string' || !insideRoots(cwd, settings.roots)) {
      return refuse('cwd', 'of the thread is outside the roots the relay serves (--root): pass a cwd inside them');
    }
    const type = isRecord(sandbox) && typeof sandbox['type'] === 'string' && Object.hasOwn(SANDBOX_POLICY_WIDTH, sandbox['type']) ? sandbox['type'] : undefined;
    const width = type === undefined ? undefined : SANDBOX_POLICY_WIDTH[type]!;
    const network = isRecord(sandbox) && sandbox['networkAccess'] !== undefined && sandbox['networkAccess'] !== false && sandbox['networkAccess'] !== 'restricted';
    if (width === undefined || width > maxWidth || (network && maxWidth < 2)) {
      return refuse('sandbox', `of the thread is wider than the relay allows (--max-sandbox ${settings.maxSandbox}): pass a narrower sandbox`);
    }
    if (!settings.allowApprovalNever && approvalPolicy !== 'untrusted' && approvalPolicy !== 'on-request') {
      return refuse('approvalPolicy', 'of the thread may only be untrusted or on-request here (--allow-approval-never): pass one of them');
    }
    return undefined;
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
