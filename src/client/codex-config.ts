import type { ReconnectConfig } from '../transport/reconnect-config.js';
import type { Transport } from '../transport/transport.js';
import type { WebSocketToken } from '../transport/websocket-transport.js';
import type { RpcConnectionConfig } from '../connection/rpc-connection-config.js';
import type { TurnRouterConfig } from '../turns/turn-router-config.js';
import type { ToolCallConfig } from './tool-call-config.js';
import type { TelemetryOption } from '../telemetry/telemetry-config.js';

/**
 * A running app-server to connect to instead of launching one.
 *
 * @example
 * import { readFile } from 'node:fs/promises';
 *
 * const codex = await Codex.connect({
 *   transport: { url: 'ws://127.0.0.1:4500', token: () => readFile('/run/codex/token', 'utf8').then((t) => t.trim()) },
 * });
 */
export interface RemoteServer {
  /** `ws://HOST:PORT`, `wss://…`, or `unix://PATH` (`unix://` alone: the default control socket). */
  readonly url: string;
  /** Bearer token for `--ws-auth capability-token`: a string, or a function called per connection. */
  readonly token?: WebSocketToken;
  /** Allow a token over plain `ws://` to a host that is not loopback. */
  readonly allowInsecureToken?: boolean;
}

/**
 * How a `Codex` reaches its app-server and identifies itself. Everything is optional: by default
 * the pinned `codex` binary is launched over stdio.
 *
 * @example
 * const codex = new Codex({
 *   cwd: '/srv/project',
 *   configOverrides: { model: '"gpt-5.4"' },
 *   clientInfo: { name: 'my_app', title: 'My App', version: '1.2.0' },
 *   requestTimeoutMs: 60_000,
 * });
 */
export interface CodexConfig extends RpcConnectionConfig, TurnRouterConfig, ToolCallConfig {
  /** The executable to launch (else `CODEX_BIN`, else the pinned `@openai/codex` binary). */
  readonly codexBin?: string;
  /** The complete argument list after the executable, replacing `app-server --listen stdio://` and the overrides. */
  readonly launchArgs?: readonly string[];
  /** `-c key=value` overrides for the launched server (values are TOML). */
  readonly configOverrides?: Readonly<Record<string, string>> | readonly string[];
  /** Working directory of the launched server. */
  readonly cwd?: string;
  /** Environment variables added for the launched server (`undefined` removes one). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Connect to a running server (WebSocket or unix socket) instead of launching one; or a factory of any `Transport`. */
  readonly transport?: RemoteServer | (() => Transport | Promise<Transport>);
  /** How this client introduces itself in `initialize`. */
  readonly clientInfo?: { readonly name: string; readonly version: string; readonly title?: string };
  /** Opt into experimental API methods and fields. Default true. */
  readonly experimentalApi?: boolean;
  /** Notification methods the server should not send at all. */
  readonly optOutNotificationMethods?: readonly string[];
  /** How long `initialize` may take, in ms. */
  readonly initializeTimeoutMs?: number;
  /**
   * Fail `initialize` with a `ServerVersionMismatchError` when the server is not the version the
   * protocol was generated from. Default false: a mismatch is reported on `diagnostics$` and
   * `metadata.versionMismatch`, and the client works as far as the protocols agree.
   */
  readonly requireMatchingServerVersion?: boolean;
  /**
   * How long a turn may go without progress, in ms, before it is ended: no event but retry errors
   * for that long (noticed within a quarter of it after it has passed), and the client asks the
   * server (`thread/turns/list`) whether the turn is over.
   * A completed turn then ends from what the server stored; one running a command or a tool, or
   * waiting for an approval, waits on; any other still running is interrupted and fails with
   * `TurnStalledError`. Default `DEFAULT_TURN_STALL_TIMEOUT_MS` (10 minutes); 0 never.
   * Each turn may set its own (`TurnOptions.stallTimeoutMs`).
   */
  readonly turnStallTimeoutMs?: number;
  /**
   * Reconnect after an unexpected close instead of failing everything: `true` for
   * `DEFAULT_RECONNECT_CONFIG`, or the policy. After a drop the client reconnects with jittered
   * backoff, initializes again, resumes the threads it has open and finishes every running turn
   * (live, or from the server's stored state); see `Codex.connectionState$`. Off by default: a
   * client that reconnects changes what callers see at a drop (`ConnectionLostError` for calls on
   * the wire, reconstructed events), so it is asked for. Meant for remote servers (`ws://`,
   * `unix://`); with a launched server it relaunches the process.
   */
  readonly reconnect?: boolean | ReconnectConfig;
  /**
   * OpenTelemetry traces and metrics of this client's turns (see `TelemetryConfig`): `true` for
   * the global providers, or the providers and options. Off by default; without it nothing of
   * `@opentelemetry/api` (an optional peer dependency) is loaded.
   */
  readonly telemetry?: TelemetryOption;
}

/**
 * The default `turnStallTimeoutMs`: 10 minutes without progress ends a turn. Long enough for a
 * slow tool call or a long model pause, short enough that a turn that can never finish (a model
 * that cannot be reached, retried for ever) ends in bounded time.
 *
 * @example
 * const patient = new Codex({ turnStallTimeoutMs: 3 * DEFAULT_TURN_STALL_TIMEOUT_MS });
 */
export const DEFAULT_TURN_STALL_TIMEOUT_MS = 10 * 60_000;
