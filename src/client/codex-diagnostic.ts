import type { ConnectionDiagnostic } from '../connection/rpc-connection.js';
import type { ReconnectDiagnostic } from '../transport/reconnect-diagnostic.js';
import type { TurnDiagnostic } from '../turns/turn-diagnostic.js';
import type { ToolDiagnostic } from './tool-diagnostic.js';

/**
 * What `Codex.diagnostics$` reports: the connection's findings (garbage, decode failures, stray
 * responses, version drift …), the router's (turns dropped unclaimed), the tool calls answered as
 * failures, and with `reconnect` the drops, reconnections and reconciled turns.
 *
 * @example
 * codex.diagnostics$.subscribe((diagnostic: CodexDiagnostic) => console.warn(diagnostic.kind));
 */
export type CodexDiagnostic = ConnectionDiagnostic | TurnDiagnostic | ReconnectDiagnostic | ToolDiagnostic;
