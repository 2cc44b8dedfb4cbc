import { homedir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { WebSocketTransport, type WebSocketTransportOptions } from './websocket-transport.js';

/**
 * How {@link UnixSocketTransport.connect} opens the socket.
 *
 * @example
 * // `unix://` alone: the default control socket of this Codex home.
 * const transport = await UnixSocketTransport.connect('unix://', { codexHome: '/srv/codex-home' });
 */
export interface UnixSocketTransportOptions
  extends Pick<WebSocketTransportOptions, 'headers' | 'webSocketFactory' | 'handshakeTimeoutMs' | 'closeTimeoutMs'> {
  /**
   * The Codex home whose default control socket `unix://` (no path) means. Defaults to the
   * `CODEX_HOME` environment variable, else `~/.codex` — the same rule the server follows.
   */
  readonly codexHome?: string;
}

// Where `codex app-server --listen unix://` (no path) listens, relative to CODEX_HOME.
const DEFAULT_SOCKET = join('app-server-control', 'app-server-control.sock');

/**
 * A {@link WebSocketTransport} to `codex app-server --listen unix://PATH`.
 *
 * The server speaks ordinary WebSocket framing over the socket: an HTTP/1.1 upgrade on any
 * request path, no Host requirement, no bearer token (`--ws-auth` does not apply; the socket
 * file's 0600 mode is the access control). So this is the WebSocket transport with the TCP
 * connection swapped for a unix one, and everything after the handshake is shared.
 *
 * @example
 * ```ts
 * const transport = await UnixSocketTransport.connect('unix:///home/me/.codex/app.sock');
 * transport.frames$.subscribe((message) => console.log(message));
 * transport.send({ id: 1, method: 'initialize', params: { clientInfo: { name: 'me', version: '1' } } });
 * await transport.close();
 * ```
 */
export class UnixSocketTransport extends WebSocketTransport {
  /**
   * Connects to `target`: `unix://PATH`, a bare path, or `unix://` for the default control socket
   * of the Codex home. Resolves once the WebSocket is open.
   */
  static override async connect(target: string, options: UnixSocketTransportOptions = {}): Promise<UnixSocketTransport> {
    const socketPath = socketPathOf(target, options.codexHome);
    const label = `unix://${socketPath}`;
    // The host and path are never looked at by the server; they only make a valid request line.
    const socket = await WebSocketTransport.openSocket({ url: 'ws://localhost/', label, socketPath }, options);
    return new UnixSocketTransport(socket, label, options.closeTimeoutMs);
  }
}

function socketPathOf(target: string, codexHome: string | undefined): string {
  const rest = target.startsWith('unix://') ? target.slice('unix://'.length) : target;
  if (rest === '') {
    const home = codexHome ?? process.env['CODEX_HOME'] ?? join(homedir(), '.codex');
    return join(home, DEFAULT_SOCKET);
  }
  // Taken literally, not URL-decoded, as the server does with `--listen unix://PATH`.
  return resolvePath(rest);
}
