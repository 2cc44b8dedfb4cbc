import { Codex } from '../client/codex.js';
import type { CodexConfig } from '../client/codex-config.js';
import { BrowserWebSocketTransport } from '../transport/browser-websocket-transport.js';
import type { Transport } from '../transport/transport.js';

/** Where the relay serves its socket, on the page's own origin. */
export const RELAY_SOCKET_PATH = '/codex';

/**
 * The browser default transport: a standard WebSocket to `transport.url`, else to the codex-rx
 * relay that served the page (`/codex` on the page's origin). Importing this module installs it as
 * `Codex.defaultTransport` unless the Node one is already there.
 *
 * @example
 * const codex = new Codex();                                   // the relay that served this page
 * const remote = new Codex({ transport: { url: 'wss://relay.example.com/codex' } });
 */
export function browserTransport(config: CodexConfig): Promise<Transport> {
  const server = config.transport;
  if (typeof server === 'function') return Promise.resolve(server());
  if (server?.token !== undefined) {
    // A browser cannot set Authorization on a WebSocket; a token here could only leak into a URL.
    throw new TypeError('a browser cannot send a bearer token on a WebSocket: connect through the codex-rx relay, which authenticates by cookie');
  }
  return BrowserWebSocketTransport.connect(server?.url ?? pageRelayUrl());
}

function pageRelayUrl(): string {
  const location = (globalThis as { location?: { protocol: string; host: string } }).location;
  if (location === undefined) throw new TypeError('no page to take the relay from: pass `transport: { url }`');
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${RELAY_SOCKET_PATH}`;
}

Codex.defaultTransport ??= browserTransport;
