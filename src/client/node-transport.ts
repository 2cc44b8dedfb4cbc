import { pickDefined } from '../internal/pick-defined.js';
import { StdioTransport } from '../transport/stdio-transport.js';
import type { Transport } from '../transport/transport.js';
import { UnixSocketTransport } from '../transport/unix-socket-transport.js';
import { WebSocketTransport } from '../transport/websocket-transport.js';
import type { CodexConfig } from './codex-config.js';
import { Codex } from './codex.js';

/**
 * The Node default transport: connects to `transport.url` (`ws://`, `wss://`, `unix://`) when the
 * config names one, else launches the app-server (`codexBin`, else `CODEX_BIN`, else the pinned
 * binary) over stdio. Importing this module installs it as `Codex.defaultTransport`.
 *
 * @example
 * const transport = await nodeTransport({ transport: { url: 'unix:///tmp/codex.sock' } });
 */
export async function nodeTransport(config: CodexConfig): Promise<Transport> {
  const server = config.transport;
  if (typeof server === 'function') return server();
  if (server !== undefined) {
    if (server.url.startsWith('unix:')) return UnixSocketTransport.connect(server.url);
    return WebSocketTransport.connect(server.url, pickDefined(server, ['token', 'allowInsecureToken']));
  }
  const { launchArgs: args, ...rest } = config;
  return new StdioTransport(pickDefined({ ...rest, args }, ['codexBin', 'args', 'configOverrides', 'env', 'cwd']));
}

// Node's default wins over the browser entry's when a Node program loads both.
Codex.defaultTransport = nodeTransport;
