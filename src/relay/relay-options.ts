import type { Transport } from '../transport/transport.js';

/**
 * What a chat UI needs, and all a browser may call unless more is allowed: threads, turns, steering,
 * interrupts, models and the account. Config writes, logins, shell commands and the like are not here.
 *
 * @example
 * import { createServer } from 'node:http';
 *
 * createRelay(createServer(), { methods: [...CHAT_UI_METHODS, 'thread/delete'] });
 */
export const CHAT_UI_METHODS: readonly string[] = [
  'initialize',
  'thread/start',
  'thread/resume',
  'thread/fork',
  'thread/list',
  'thread/read',
  'thread/name/set',
  'thread/archive',
  'thread/unarchive',
  'thread/compact/start',
  'turn/start',
  'turn/steer',
  'turn/interrupt',
  'model/list',
  'account/read',
];

/**
 * How a relay lets browsers reach an app-server. Everything is optional; the defaults are in
 * {@link DEFAULT_RELAY_OPTIONS}.
 *
 * @example
 * const options: RelayOptions = {
 *   upstream: () => new StdioTransport({ cwd: '/srv/project' }),
 *   allowedOrigins: ['https://chat.example.com'],
 *   extraMethods: ['config/value/write'],
 * };
 */
export interface RelayOptions {
  /** Opens the app-server connection of one browser; default: launch the pinned binary over stdio. */
  readonly upstream?: () => Transport | Promise<Transport>;
  /** The path of the WebSocket. */
  readonly path?: string;
  /** `Host` headers served (DNS rebinding); default: `127.0.0.1`, `localhost` and `[::1]` on the listening port. */
  readonly allowedHosts?: readonly string[];
  /** Origins whose pages may open the socket (cross-site WebSocket hijacking); default: the relay's own origins. */
  readonly allowedOrigins?: readonly string[];
  /** The login token; default: 32 random bytes. Exchanged once, at `/?token=…`, for a session cookie. */
  readonly token?: string;
  /** The methods a browser may call; default {@link CHAT_UI_METHODS}. */
  readonly methods?: readonly string[];
  /** Methods allowed on top of `methods` (for instance `config/value/write`). */
  readonly extraMethods?: readonly string[];
  /** The largest frame a browser may send, in bytes (larger: close code 1009). */
  readonly maxFrameBytes?: number;
  /** Browsers connected at once; more are refused with HTTP 503. */
  readonly maxConnections?: number;
  /** Bytes queued for one browser before it is closed as too slow (close code 4008). */
  readonly maxQueuedBytes?: number;
  /** Whether the page is served over TLS (the cookie is then `Secure`). */
  readonly secure?: boolean;
  /**
   * Keys a browser may set in the `config` param of `thread/start`, `thread/resume` and
   * `thread/fork` (a key allows what is under it: `model`, `model_reasoning_effort`). Any other key
   * is refused, in the dotted form and the nested one alike: `config` can launch MCP servers
   * (processes), change the sandbox or the model provider.
   */
  readonly allowedConfigKeys?: readonly string[];
  /**
   * Directories a browser may name in `cwd`, `path`, workspace roots, writable roots and local
   * inputs, `..` and symlinks resolved on the relay's host; default: the relay's working directory.
   */
  readonly roots?: readonly string[];
  /** The widest sandbox a browser may ask for (`read-only` < `workspace-write` < `danger-full-access`). */
  readonly maxSandbox?: 'read-only' | 'workspace-write' | 'danger-full-access';
  /** Let a browser set the approval policy `never` (or a granular one): commands then run or fail without asking anyone. */
  readonly allowApprovalNever?: boolean;
  /** Let a browser set `baseInstructions`, `developerInstructions`, application context and mode instructions. */
  readonly allowInstructions?: boolean;
  /** Let a browser offer client tools (`dynamicTools` on `thread/start`). */
  readonly allowDynamicTools?: boolean;
  /** Params refused by default to let through unchecked, as `method.param` (`turn/start.toolOutput`). */
  readonly allowedParams?: readonly string[];
  /**
   * Where the relay keeps its state: the key its session cookies are signed with (`session-key`,
   * mode 0600, made on first start). With it, sessions survive a restart; without it the key is in
   * memory and a restart signs every browser out.
   */
  readonly stateDir?: string;
  /** How long a session cookie stays valid after the login link made it, in ms. */
  readonly sessionMaxAgeMs?: number;
}

/**
 * The defaults of {@link RelayOptions}.
 *
 * @example
 * import { createServer } from 'node:http';
 *
 * createRelay(createServer(), { maxConnections: DEFAULT_RELAY_OPTIONS.maxConnections * 2 });
 */
export const DEFAULT_RELAY_OPTIONS = {
  path: '/codex',
  methods: CHAT_UI_METHODS,
  extraMethods: [] as readonly string[],
  maxFrameBytes: 1024 * 1024,
  maxConnections: 16,
  maxQueuedBytes: 8 * 1024 * 1024,
  secure: false,
  allowedConfigKeys: [] as readonly string[],
  maxSandbox: 'workspace-write' as NonNullable<RelayOptions['maxSandbox']>,
  allowApprovalNever: false,
  allowInstructions: false,
  allowDynamicTools: false,
  allowedParams: [] as readonly string[],
  sessionMaxAgeMs: 7 * 24 * 60 * 60_000,
} as const;
