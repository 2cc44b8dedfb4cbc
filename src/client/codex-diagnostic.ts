import type { ConnectionDiagnostic } from '../connection/rpc-connection.js';
import type { TurnDiagnostic } from '../turns/turn-diagnostic.js';

/**
 * What `Codex.diagnostics$` reports: the connection's findings (garbage, decode failures, stray
 * responses, version drift …) and the router's (turns dropped unclaimed).
 *
 * @example
 * codex.diagnostics$.subscribe((diagnostic: CodexDiagnostic) => console.warn(diagnostic.kind));
 */
export type CodexDiagnostic = ConnectionDiagnostic | TurnDiagnostic;
