import type { Transport } from '../transport/transport.js';
import type { CodexConfig } from './codex-config.js';

/**
 * Opens the transport of a `Codex` whose config gives no transport factory: each entry point
 * installs its own as `Codex.defaultTransport`.
 *
 * @example
 * const viaRelay: DefaultTransport = (config) =>
 *   BrowserWebSocketTransport.connect(typeof config.transport === 'object' ? config.transport.url : 'ws://127.0.0.1:8765/codex');
 */
export type DefaultTransport = (config: CodexConfig) => Transport | Promise<Transport>;
