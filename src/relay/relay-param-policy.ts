import type { SandboxMode } from '../protocol/generated/codecs.js';
import { configKeyPaths } from './config-key-paths.js';
import { insideRoots, realRoots } from './inside-roots.js';

/**
 * The JSON-RPC error code of a call whose params the relay's param policy refuses (InvalidParams);
 * the message names the param, never its value.
 *
 * @example
 * const refused = await thread.run('hi', { cwd: '/etc' }).then(
 *   () => false,
 *   (error: unknown) => error instanceof JsonRpcError && error.code === REFUSED_PARAM_CODE,
 * );
 */
export const REFUSED_PARAM_CODE = -32602;

/**
 * How the relay treats one param of an allowed method: passed as is, refused, or checked by the
 * rule of that name (see {@link PARAM_POLICY}).
 *
 * @example
 * const rule: ParamRule = PARAM_POLICY['thread/start']!['cwd']!; // 'path'
 */
export type ParamRule =
  | 'allowed'
  | 'refused'
  | 'config'
  | 'path'
  | 'paths'
  | 'sandbox'
  | 'sandboxPolicy'
  | 'approval'
  | 'instructions'
  | 'dynamicTools'
  | 'input'
  | 'capabilities'
  | 'additionalContext'
  | 'collaborationMode';

const A = 'allowed';
const R = 'refused';

// The thread-level params thread/start, thread/resume and thread/fork share.
const THREAD_SETTINGS = {
  approvalPolicy: 'approval',
  approvalsReviewer: A,
  baseInstructions: 'instructions',
  config: 'config',
  cwd: 'path',
  developerInstructions: 'instructions',
  model: A,
  modelProvider: A,
  // A named permission profile may stand for any sandbox; the relay cannot see how wide it is.
  permissions: R,
  runtimeWorkspaceRoots: 'paths',
  sandbox: 'sandbox',
  serviceTier: A,
} as const satisfies Record<string, ParamRule>;

// turn/start and turn/steer share the input and the metadata sent to the model provider.
const TURN_INPUT = {
  threadId: A,
  input: 'input',
  additionalContext: 'additionalContext',
  clientUserMessageId: A,
  responsesapiClientMetadata: R,
  responsesapiClientMetadataPatch: R,
} as const satisfies Record<string, ParamRule>;

/**
 * The relay's param policy: for each method of `CHAT_UI_METHODS`, every param the generated
 * protocol names, and its rule. A param not listed is refused. A spec compares this table with the
 * generated codecs, so a new protocol version cannot add a param that slips through unclassified.
 *
 * @example
 * const refusedOnStart = Object.entries(PARAM_POLICY['thread/start']!).filter(([, rule]) => rule === 'refused');
 */
export const PARAM_POLICY: Readonly<Record<string, Readonly<Record<string, ParamRule>>>> = {
  initialize: { clientInfo: A, capabilities: 'capabilities' },
  'thread/start': {
    ...THREAD_SETTINGS,
    allowProviderModelFallback: A,
    daybreakEnabled: R,
    dynamicTools: 'dynamicTools',
    // Environments select where commands run, with their own cwd and roots.
    environments: R,
    ephemeral: A,
    experimentalRawEvents: R,
    historyMode: A,
    mockExperimentalField: R,
    multiAgentMode: R,
    personality: A,
    projectId: A,
    // Capability roots load skills and plugins (code and instructions) from a location.
    selectedCapabilityRoots: R,
    serviceName: A,
    sessionStartSource: A,
    threadSource: A,
  },
  'thread/resume': {
    ...THREAD_SETTINGS,
    threadId: A,
    excludeTurns: A,
    // Replaces the stored history with one the caller writes (tool outputs included).
    history: R,
    initialTurnsPage: A,
    path: 'path',
    personality: A,
  },
  'thread/fork': {
    ...THREAD_SETTINGS,
    threadId: A,
    attachToSource: A,
    beforeTurnId: A,
    deferGoalContinuation: A,
    ephemeral: A,
    excludeTurns: A,
    experimentalDisablePredictionMcp: R,
    experimentalPredictionMode: R,
    lastTurnId: A,
    path: 'path',
    threadSource: A,
  },
  'thread/list': {
    ancestorThreadId: A,
    archived: A,
    attachedToThreadId: A,
    currentAccountOnly: A,
    cursor: A,
    // A filter on the listing only: it grants no access to the directory.
    cwd: A,
    excludedThreadIds: A,
    includeAttachedThreads: A,
    includedThreadIds: A,
    limit: A,
    modelProviders: A,
    originators: A,
    parentThreadId: A,
    projectId: A,
    searchTerm: A,
    sectionId: A,
    sortDirection: A,
    sortKey: A,
    sourceKinds: A,
    useStateDbOnly: A,
  },
  'thread/read': { threadId: A, includeTurns: A },
  'thread/name/set': { threadId: A, name: A },
  'thread/archive': { threadId: A },
  'thread/unarchive': { threadId: A },
  'thread/compact/start': { threadId: A },
  'turn/start': {
    ...TURN_INPUT,
    approvalPolicy: 'approval',
    approvalsReviewer: A,
    collaborationMode: 'collaborationMode',
    cwd: 'path',
    cyberAccessProgram: R,
    disabledPluginIds: A,
    effort: A,
    environments: R,
    model: A,
    multiAgentMode: R,
    outputSchema: A,
    parentTurnId: A,
    permissions: R,
    personality: A,
    rootTurnId: A,
    runtimeWorkspaceRoots: 'paths',
    sandboxPolicy: 'sandboxPolicy',
    serviceTier: A,
    serviceTierForTurn: A,
    summary: A,
    // Puts a tool output into the history as if a tool had answered.
    toolOutput: R,
    turnTrigger: A,
  },
  'turn/steer': { ...TURN_INPUT, expectedTurnId: A },
  'turn/interrupt': { threadId: A, turnId: A },
  'model/list': { cursor: A, includeHidden: A, limit: A, modelProvider: A },
  // A chat UI shows the account; it has no reason to force a token refresh.
  'account/read': { refreshToken: R },
};

/**
 * What the param rules are given: the policy options of the relay, defaults applied.
 *
 * @example
 * const settings: ParamPolicySettings = { allowedConfigKeys: ['model'], roots: ['/srv/project'], maxSandbox: 'workspace-write',
 *   allowApprovalNever: false, allowInstructions: false, allowDynamicTools: false, allowedParams: [] };
 */
export interface ParamPolicySettings {
  readonly allowedConfigKeys: readonly string[];
  readonly roots: readonly string[];
  readonly maxSandbox: SandboxMode;
  readonly allowApprovalNever: boolean;
  readonly allowInstructions: boolean;
  readonly allowDynamicTools: boolean;
  readonly allowedParams: readonly string[];
}

/**
 * Why a call is refused: the param (a dotted path into the params) and the rule it broke.
 *
 * @example
 * const refusal: ParamRefusal = { param: 'config.mcp_servers.x.command', reason: 'is a config key the relay does not allow' };
 */
export interface ParamRefusal {
  readonly param: string;
  readonly reason: string;
}

/**
 * How wide each sandbox mode is, for comparing one with `maxSandbox`.
 *
 * @example
 * const wider = SANDBOX_WIDTH['danger-full-access']! > SANDBOX_WIDTH['workspace-write']!; // true
 */
export const SANDBOX_WIDTH: Readonly<Record<string, number>> = { 'read-only': 0, 'workspace-write': 1, 'danger-full-access': 2 };
/**
 * How wide each sandbox policy type is, on the scale of {@link SANDBOX_WIDTH}. An external sandbox
 * turns Codex's own off: as wide as full access, as far as the relay can tell.
 *
 * @example
 * const width = SANDBOX_POLICY_WIDTH['externalSandbox']; // 2
 */
export const SANDBOX_POLICY_WIDTH: Readonly<Record<string, number>> = { readOnly: 0, workspaceWrite: 1, dangerFullAccess: 2, externalSandbox: 2 };
const SANDBOX_POLICY_KEYS = new Set(['type', 'networkAccess', 'writableRoots', 'excludeSlashTmp', 'excludeTmpdirEnvVar']);
const CAPABILITIES = new Set(['experimentalApi', 'optOutNotificationMethods']);
const INPUT_TYPES = new Set(['text', 'image', 'audio', 'localImage', 'localAudio', 'skill', 'mention']);

/**
 * Builds the check of the relay's param policy: given a method and its params, the first param
 * refused, or undefined when the call may go on. Methods the policy does not list (those added
 * with `extraMethods`) pass unchecked: allowing one is allowing what it does. Throws when a root
 * does not exist or `maxSandbox` is not a sandbox mode.
 *
 * @example
 * const refused = paramPolicy({ ...DEFAULT_RELAY_OPTIONS, roots: ['/srv/project'] });
 * refused('thread/start', { cwd: '/etc' }); // { param: 'cwd', reason: 'is outside the roots …' }
 */
export function paramPolicy(settings: ParamPolicySettings): (method: string, params: unknown) => ParamRefusal | undefined {
  const roots = realRoots(settings.roots);
  const maxWidth = SANDBOX_WIDTH[settings.maxSandbox];
  if (maxWidth === undefined) throw new RangeError(`maxSandbox must be read-only, workspace-write or danger-full-access, got ${String(settings.maxSandbox)}`);
  const configKeys = settings.allowedConfigKeys.map((key) => key.split('.'));
  const allowedParams = new Set(settings.allowedParams);
  const refuse = (param: string, reason: string): ParamRefusal => ({ param, reason });
  const path = (param: string, value: unknown): ParamRefusal | undefined => {
    if (value === null) return undefined;
    if (typeof value !== 'string') return refuse(param, 'must be a path');
    return insideRoots(value, roots) ? undefined : refuse(param, 'is outside the roots the relay serves (--root)');
  };
  const paths = (param: string, value: unknown): ParamRefusal | undefined => {
    if (value === null) return undefined;
    if (!Array.isArray(value)) return refuse(param, 'must be a list of paths');
    for (const [index, each] of value.entries()) {
      const refused = path(`${param}[${index}]`, each);
      if (refused) return refused;
    }
    return undefined;
  };
  const instructions = (param: string, value: unknown): ParamRefusal | undefined =>
    value === null || value === undefined || settings.allowInstructions ? undefined : refuse(param, 'sets instructions, which the relay refuses (--allow-instructions)');
  const rules: Record<Exclude<ParamRule, 'allowed' | 'refused'>, (param: string, value: unknown) => ParamRefusal | undefined> = {
    config: (param, value) => {
      if (value === null) return undefined;
      if (!isRecord(value)) return refuse(param, 'must be an object');
      for (const keyPath of configKeyPaths(value)) {
        const allowed = configKeys.some((key) => key.length <= keyPath.length && key.every((segment, index) => segment === keyPath[index]));
        if (!allowed) return refuse(`${param}.${keyPath.join('.')}`, 'is a config key the relay does not allow (--allow-config-key)');
      }
      return undefined;
    },
    path,
    paths,
    sandbox: (param, value) => {
      if (value === null) return undefined;
      const width = typeof value === 'string' ? SANDBOX_WIDTH[value] : undefined;
      if (width === undefined) return refuse(param, 'must be read-only, workspace-write or danger-full-access');
      return width <= maxWidth ? undefined : refuse(param, `is wider than the relay allows (--max-sandbox ${settings.maxSandbox})`);
    },
    sandboxPolicy: (param, value) => {
      if (value === null) return undefined;
      if (!isRecord(value)) return refuse(param, 'must be an object');
      const extra = Object.keys(value).find((key) => !SANDBOX_POLICY_KEYS.has(key));
      if (extra !== undefined) return refuse(`${param}.${extra}`, 'is not a sandbox setting the relay knows');
      const width = typeof value['type'] === 'string' && Object.hasOwn(SANDBOX_POLICY_WIDTH, value['type']) ? SANDBOX_POLICY_WIDTH[value['type']]! : undefined;
      if (width === undefined) return refuse(`${param}.type`, 'is not a sandbox type the relay knows');
      if (width > maxWidth) return refuse(param, `is wider than the relay allows (--max-sandbox ${settings.maxSandbox})`);
      // Network access widens a read-only or workspace-write sandbox beyond its name.
      if (value['networkAccess'] !== undefined && value['networkAccess'] !== false && value['networkAccess'] !== 'restricted' && maxWidth < 2) {
        return refuse(`${param}.networkAccess`, `is wider than the relay allows (--max-sandbox ${settings.maxSandbox})`);
      }
      return value['writableRoots'] === undefined ? undefined : paths(`${param}.writableRoots`, value['writableRoots']);
    },
    approval: (param, value) => {
      if (value === null || value === 'untrusted' || value === 'on-request') return undefined;
      // `never` and the granular form both let commands run, or be refused, without asking anyone.
      return settings.allowApprovalNever ? undefined : refuse(param, 'may only be untrusted or on-request here (--allow-approval-never)');
    },
    instructions,
    dynamicTools: (param, value) =>
      value === null || settings.allowDynamicTools ? undefined : refuse(param, 'offers client tools, which the relay refuses (--allow-dynamic-tools)'),
    input: (param, value) => {
      if (!Array.isArray(value)) return refuse(param, 'must be a list of inputs');
      for (const [index, item] of value.entries()) {
        const at = `${param}[${index}]`;
        if (!isRecord(item) || typeof item['type'] !== 'string' || !INPUT_TYPES.has(item['type'])) return refuse(`${at}.type`, 'is not an input type the relay knows');
        // Local images, audio, skills and mentions are read from the host's disk.
        if ('path' in item) {
          const refused = path(`${at}.path`, item['path']);
          if (refused) return refused;
        }
      }
      return undefined;
    },
    capabilities: (param, value) => {
      if (value === null) return undefined;
      if (!isRecord(value)) return refuse(param, 'must be an object');
      const extra = Object.keys(value).find((key) => !CAPABILITIES.has(key));
      return extra === undefined ? undefined : refuse(`${param}.${extra}`, 'is a capability the relay does not pass');
    },
    additionalContext: (param, value) => {
      if (value === null) return undefined;
      if (!isRecord(value)) return refuse(param, 'must be an object');
      for (const [key, entry] of Object.entries(value)) {
        // Application context is trusted by the model as the operator's: as strong as instructions.
        if (!isRecord(entry) || entry['kind'] !== 'untrusted') {
          const refused = instructions(`${param}.${key}.kind`, entry);
          if (refused) return refused;
        }
      }
      return undefined;
    },
    collaborationMode: (param, value) => {
      if (value === null) return undefined;
      if (!isRecord(value)) return refuse(param, 'must be an object');
      const settingsValue = value['settings'];
      return instructions(`${param}.settings.developer_instructions`, isRecord(settingsValue) ? settingsValue['developer_instructions'] : undefined);
    },
  };

  return (method, params) => {
    const policy = Object.hasOwn(PARAM_POLICY, method) ? PARAM_POLICY[method] : undefined;
    if (policy === undefined || params === undefined) return undefined;
    if (!isRecord(params)) return refuse('params', 'must be an object');
    for (const [param, value] of Object.entries(params)) {
      const rule = Object.hasOwn(policy, param) ? policy[param]! : 'refused';
      if (rule === 'allowed') continue;
      if (rule === 'refused') {
        if (allowedParams.has(`${method}.${param}`)) continue;
        return refuse(param, Object.hasOwn(policy, param) ? 'is refused by the relay (--allow-param)' : 'is not a param the relay knows');
      }
      const refused = rules[rule](param, value);
      if (refused) return refused;
    }
    return undefined;
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
