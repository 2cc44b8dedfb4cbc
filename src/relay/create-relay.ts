import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { JsonRpcMessage } from '../jsonrpc/json-rpc-message.js';
import { withDefaults } from '../internal/with-defaults.js';
import { StdioTransport } from '../transport/stdio-transport.js';
import type { Transport } from '../transport/transport.js';
import { BrowserOutbox } from './browser-outbox.js';
import { DEFAULT_RELAY_OPTIONS, type RelayOptions } from './relay-options.js';
import type { Relay } from './relay.js';
import { paramPolicy, REFUSED_PARAM_CODE } from './relay-param-policy.js';
import { RelaySessionStore } from './relay-session-store.js';
import { realRoots } from './inside-roots.js';
import { threadSettingsPolicy } from './thread-settings-policy.js';

/**
 * The JSON-RPC error code of a call the relay's method policy refuses (InvalidRequest).
 *
 * @example
 * const refused = await codex.request('thread/delete', { threadId }).then(
 *   () => false,
 *   (error: unknown) => error instanceof JsonRpcError && error.code === REFUSED_METHOD_CODE,
 * );
 */
export const REFUSED_METHOD_CODE = -32600;
/**
 * Close code of a browser that did not read its frames fast enough.
 *
 * @example
 * const socket = new WebSocket('ws://127.0.0.1:8765/codex');
 * socket.addEventListener('close', (event) => { if (event.code === SLOW_BROWSER_CLOSE_CODE) console.warn('too slow'); });
 */
export const SLOW_BROWSER_CLOSE_CODE = 4008;
/**
 * Close code when the app-server connection of a browser ends.
 *
 * @example
 * const socket = new WebSocket('ws://127.0.0.1:8765/codex');
 * socket.addEventListener('close', (event) => { if (event.code === UPSTREAM_CLOSED_CLOSE_CODE) console.warn(event.reason); });
 */
export const UPSTREAM_CLOSED_CLOSE_CODE = 1011;

const SESSION_COOKIE = 'codex_rx_session';
// Methods that run the agent on a loaded thread, with the thread's cwd, sandbox and approvals.
const RUNS_ON_THREAD = new Set(['turn/start', 'turn/steer', 'thread/compact/start']);
const CLOSE_GRACE_MS = 1_000;
// A slow browser may still have the socket's buffers to read before the close frame.
const SLOW_CLOSE_GRACE_MS = 15_000;

/**
 * Attaches a relay to an HTTP(S) server: browsers open a WebSocket at `path`, each gets its own
 * app-server connection, and JSON-RPC frames pass through (the relay sends no `Origin` upstream).
 *
 * It is a security boundary. A request is served only when its `Host` is expected (DNS
 * rebinding); a socket opens only for an allowed `Origin` (cross-site WebSocket hijacking) and a
 * session cookie, got by opening the one-time login URL (HttpOnly, SameSite=Strict; the token is
 * compared in constant time and never logged); calls outside the method policy are answered with a
 * JSON-RPC error without reaching the server, and so are params outside the param policy (-32602,
 * naming the param: `config` key by key, paths inside `roots`, the sandbox up to `maxSandbox`, …);
 * frames, connections and the queue of each browser are bounded. Other requests go to `page` when the session is valid (the web UI), else 401.
 *
 * @example
 * import { createServer } from 'node:http';
 *
 * const server = createServer();
 * const relay = createRelay(server, { upstream: () => new StdioTransport({ cwd: '/srv/project' }) });
 * server.listen(8765, '127.0.0.1', () => console.log(relay.loginUrl('http://127.0.0.1:8765')));
 */
export function createRelay(
  server: Server,
  options: RelayOptions & { readonly page?: (request: IncomingMessage, response: ServerResponse) => void } = {},
): Relay {
  const settings = withDefaults(DEFAULT_RELAY_OPTIONS, options);
  const upstream = options.upstream ?? (() => new StdioTransport());
  const methods = new Set([...settings.methods, ...settings.extraMethods]);
  const paramsRefused = paramPolicy({ ...settings, roots: options.roots ?? [process.cwd()] });
  const threadRefused = threadSettingsPolicy({ ...settings, roots: realRoots(options.roots ?? [process.cwd()]) });
  const tokenText = options.token ?? randomBytes(32).toString('base64url');
  let token: Buffer | undefined = digest(tokenText);
  const sessions = new RelaySessionStore({ maxAgeMs: settings.sessionMaxAgeMs, ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }) });
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: settings.maxFrameBytes, perMessageDeflate: false });

  const hosts = (): Set<string> => {
    if (settings.allowedHosts !== undefined) return new Set(settings.allowedHosts.map((host) => host.toLowerCase()));
    const port = (server.address() as AddressInfo | null)?.port;
    return new Set(['127.0.0.1', 'localhost', '[::1]'].map((host) => `${host}:${port}`));
  };
  const origins = (): Set<string> =>
    new Set(settings.allowedOrigins ?? [...hosts()].map((host) => `${settings.secure ? 'https' : 'http'}://${host}`));

  const sessionOf = (request: IncomingMessage): boolean => {
    return sessions.verify(cookie(request.headers.cookie, SESSION_COOKIE));
  };

  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    if (!hosts().has((request.headers.host ?? '').toLowerCase())) return refuse(response, 421, 'unexpected Host header');
    const url = new URL(request.url ?? '/', 'http://relay.invalid');
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      if (token === undefined || !timingSafeEqual(digest(offered), token)) return refuse(response, 401, 'this login link is not valid (it works once)');
      // One-time: the link stops working once it has made a session.
      token = undefined;
      const session = sessions.issue();
      url.searchParams.delete('token');
      response.writeHead(303, {
        'Set-Cookie': `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(settings.sessionMaxAgeMs / 1000)}${settings.secure ? '; Secure' : ''}`,
        Location: `${url.pathname}${url.search}`,
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
      });
      response.end();
      return;
    }
    if (!sessionOf(request)) return refuse(response, 401, 'not signed in: open the login link the relay printed at start');
    if (options.page === undefined) return refuse(response, 404, 'not found');
    options.page(request, response);
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(request.url ?? '/', 'http://relay.invalid');
    if (url.pathname !== settings.path) return reject(socket, 404, 'Not Found');
    if (!hosts().has((request.headers.host ?? '').toLowerCase())) return reject(socket, 421, 'Misdirected Request');
    if (!origins().has(request.headers.origin ?? '')) return reject(socket, 403, 'Forbidden');
    if (!sessionOf(request)) return reject(socket, 401, 'Unauthorized');
    if (sockets.size >= settings.maxConnections) return reject(socket, 503, 'Service Unavailable');
    wss.handleUpgrade(request, socket, head, (browser) => bridge(browser));
  };

  const bridge = (browser: WebSocket): void => {
    sockets.add(browser);
    const early: string[] = [];
    let earlyBytes = 0;
    let transport: Transport | undefined;
    let ended = false;
    // The app-server is always drained; what the browser does not read piles up in the outbox, bounded.
    // Past the bound the queue is dropped, so the close frame only waits behind what the socket already holds.
    const outbox = new BrowserOutbox(browser, settings.maxQueuedBytes, () => end(SLOW_BROWSER_CLOSE_CODE, 'too slow: frames queued beyond the relay limit'));
    const end = (code: number, reason: string): void => {
      if (ended) return;
      ended = true;
      outbox.close(code, reason.slice(0, 120));
      // A browser that does not read what is left, or answer the closing handshake, is dropped.
      setTimeout(() => browser.terminate(), SLOW_CLOSE_GRACE_MS).unref();
      void transport?.close();
    };
    const toBrowser = (message: JsonRpcMessage): void => outbox.send(JSON.stringify(message));
    // Threads whose settings (which may come from the host's config, or from where they were
    // started) this connection saw answered within the policy: only those may run turns. A thread
    // outside it stays loaded on the server, but refused to this browser, also to a turn/start
    // sent right behind its resume, before the answer.
    const checkedThreads = new Set<string>();
    const refusal = (id: unknown, method: string, param: string, reason: string): JsonRpcMessage => ({
      id: id as never,
      error: { code: REFUSED_PARAM_CODE, message: `${method}: ${param.slice(0, 200)} ${reason}`, data: { refusedBy: 'relay', method, param: param.slice(0, 200) } },
    });
    // The app-server's writes are not backpressured: what a browser sends waits in memory until the
    // server reads it. Calls not yet answered are counted (per id, oldest first), and bounded.
    const unanswered = new Map<string, number[]>();
    let unansweredBytes = 0;
    // A browser answers only what the server asked: any other response would only fill the pipe.
    const asked = new Set<string>();
    const fromUpstream = (message: JsonRpcMessage): void => {
      if ('id' in message && message.id !== undefined) {
        const key = JSON.stringify(message.id);
        if ('method' in message) asked.add(key);
        else {
          const sizes = unanswered.get(key);
          unansweredBytes -= sizes?.shift() ?? 0;
          if (sizes?.length === 0) unanswered.delete(key);
        }
      }
      const result = 'result' in message ? (message as { result?: unknown }).result : undefined;
      const thread = isRecord(result) && isRecord(result['thread']) ? result['thread'] : undefined;
      if (isRecord(result) && thread !== undefined && typeof thread['id'] === 'string' && ('cwd' in result || 'sandbox' in result || 'approvalPolicy' in result)) {
        const refused = threadRefused(result);
        if (refused === undefined) checkedThreads.add(thread['id']);
        else {
          checkedThreads.delete(thread['id']);
          return toBrowser(refusal((message as { id?: unknown }).id, 'thread', refused.param, refused.reason));
        }
      }
      toBrowser(message);
    };
    const fromBrowser = (text: string): void => {
      let message: JsonRpcMessage;
      try {
        message = JSON.parse(text) as JsonRpcMessage;
      } catch {
        toBrowser({ id: null as never, error: { code: -32700, message: 'the relay received a frame that is not JSON' } });
        return;
      }
      if (typeof message !== 'object' || message === null || Array.isArray(message)) {
        toBrowser({ id: null as never, error: { code: REFUSED_METHOD_CODE, message: 'the relay takes one JSON-RPC object per frame', data: { refusedBy: 'relay' } } });
        return;
      }
      if ('method' in message) {
        // A client sends one notification; any other method without an id cannot be answered, so it is dropped.
        if (!('id' in message)) return void (message.method === 'initialized' && forward(text, message));
        const method = typeof message.method === 'string' ? message.method : '';
        if (!methods.has(method)) {
          toBrowser({
            id: message.id,
            error: { code: REFUSED_METHOD_CODE, message: `${method} is not allowed by the relay's method policy`, data: { refusedBy: 'relay', method } },
          });
          return;
        }
        const params = 'params' in message ? message.params : undefined;
        const threadId = isRecord(params) ? params['threadId'] : undefined;
        const refused =
          paramsRefused(method, params) ??
          (RUNS_ON_THREAD.has(method) && !(typeof threadId === 'string' && checkedThreads.has(threadId))
            ? { param: 'threadId', reason: 'names a thread not started, resumed or forked here within the relay policy' }
            : undefined);
        // The param is named, its value never repeated: it may hold a secret.
        if (refused !== undefined) return toBrowser(refusal(message.id, method, refused.param, refused.reason));
      }
      forward(text, message);
    };
    const forward = (text: string, message: JsonRpcMessage): void => {
      if (ended) return;
      if (transport !== undefined) {
        const key = 'id' in message ? JSON.stringify(message.id) : undefined;
        if (!('method' in message)) {
          if (key === undefined || !asked.delete(key)) return;
        } else if (key !== undefined) {
          const sizes = unanswered.get(key);
          if (sizes === undefined) unanswered.set(key, [text.length]);
          else sizes.push(text.length);
          unansweredBytes += text.length;
          if (unansweredBytes > settings.maxQueuedBytes) return end(1008, 'too many calls waiting for the app-server');
        }
      }
      if (transport === undefined) {
        early.push(text);
        earlyBytes += text.length;
        // Held until the app-server connection opens, and bounded like the other direction.
        if (earlyBytes > settings.maxQueuedBytes) end(1008, 'too many frames before the app-server connection opened');
      }
      else transport.send(message);
    };
    browser.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return end(1003, 'text frames only');
      fromBrowser(rawText(data));
    });
    browser.on('error', () => undefined);
    browser.on('close', () => {
      sockets.delete(browser);
      outbox.drop();
      early.length = 0;
      ended = true;
      void transport?.close();
    });
    void (async () => {
      try {
        const opened = await upstream();
        transport = opened;
        if (ended) return void opened.close();
        opened.diagnostics$.subscribe();
        opened.frames$.subscribe({
          next: fromUpstream,
          error: (error: unknown) => end(UPSTREAM_CLOSED_CLOSE_CODE, upstreamLost(error)),
          complete: () => end(UPSTREAM_CLOSED_CLOSE_CODE, 'app-server connection closed'),
        });
        earlyBytes = 0;
        for (const text of early.splice(0)) fromBrowser(text);
      } catch (error) {
        end(UPSTREAM_CLOSED_CLOSE_CODE, `could not reach the app-server: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
  };

  server.on('request', onRequest);
  server.on('upgrade', onUpgrade);
  return {
    loginUrl: (base) => {
      const url = new URL(base);
      url.searchParams.set('token', tokenText);
      return url.href;
    },
    rotateSessionKey: () => {
      sessions.rotate();
      for (const socket of sockets) socket.close(1008, 'signed out: the relay rotated its session key');
    },
    get connections() {
      return sockets.size;
    },
    close: async () => {
      server.off('request', onRequest);
      server.off('upgrade', onUpgrade);
      const closed = [...sockets].map((socket) => new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close(1001, 'relay closed');
        setTimeout(() => { socket.terminate(); resolve(); }, CLOSE_GRACE_MS).unref();
      }));
      await Promise.all(closed);
      wss.close();
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function refuse(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(`${message}\n`);
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

// The browser learns that the app-server went away, not its stderr or paths (those stay in the relay's process).
function upstreamLost(error: unknown): string {
  const closed = error as { exitCode?: number | null; signal?: string | null };
  const how = closed.signal ? ` (signal ${closed.signal})` : typeof closed.exitCode === 'number' ? ` (exit code ${closed.exitCode})` : '';
  return `app-server connection lost${how}`;
}
