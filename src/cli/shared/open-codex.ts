import { readFile } from 'node:fs/promises';
import { Codex } from '../../client/codex.js';
import type { CodexConfig } from '../../client/codex-config.js';
import '../../client/node-transport.js';
import type { MockResponsesServer } from '../../testing/mock-responses-server.js';
import { startScriptedCodex } from '../../testing/scripted-codex.js';
import { ensureSignedIn } from './ensure-signed-in.js';
import { UsageError } from './usage-error.js';

/** Which server the CLI talks to. */
export interface CliServerOptions {
  /** The pinned app-server against the embedded scripted model: offline, in a throw-away `CODEX_HOME`. */
  readonly scripted?: boolean;
  /** A running app-server (`ws://…`, `wss://…` or `unix://…`) instead of launching one. */
  readonly ws?: string;
  /** A file holding the bearer token for `ws` (trimmed; never printed). */
  readonly tokenFile?: string;
}

/** An initialized client and how to let go of it. */
export interface CliCodex {
  readonly codex: Codex;
  /** The scripted model, when `scripted`: queue its answers before starting turns. */
  readonly mock: MockResponsesServer | undefined;
  /** The scripted server's throw-away workspace (its threads' default cwd); undefined otherwise. */
  readonly workspace: string | undefined;
  /** Closes the client and stops a launched server; removes the scripted server's temp dirs. Idempotent. */
  close(): Promise<void>;
}

/**
 * Connects the way the command line says: the pinned app-server with the embedded scripted
 * model (`scripted`), a running server (`ws`, with the token from `tokenFile`), or by default
 * the pinned app-server with the user's own `CODEX_HOME` (signed in, or signing in with
 * `OPENAI_API_KEY`). Whatever fails on the way is closed before the error is thrown.
 *
 * @example
 * const session = await openCodex({ scripted: true });
 * session.mock?.enqueue(response(assistantMessage('Hi')));
 * try { await (await session.codex.threadStart()).run('hello'); } finally { await session.close(); }
 */
export async function openCodex(options: CliServerOptions, extra: CodexConfig = {}): Promise<CliCodex> {
  if (options.tokenFile !== undefined && options.ws === undefined) throw new UsageError('--token-file needs --ws URL');
  if (options.scripted && options.ws !== undefined) throw new UsageError('--scripted launches its own server; it cannot be combined with --ws');
  if (options.ws !== undefined) checkServerUrl(options.ws);
  if (options.scripted) {
    const scripted = await startScriptedCodex({ codex: extra });
    return { codex: scripted.codex, mock: scripted.mock, workspace: scripted.workspace, close: () => scripted.dispose() };
  }
  const token = options.tokenFile === undefined ? undefined : await readToken(options.tokenFile);
  const codex = new Codex(
    { ...extra, ...(options.ws === undefined ? {} : { transport: { url: options.ws, ...(token === undefined ? {} : { token }) } }) },
  );
  try {
    await codex.ready();
    // A remote server signs in on its own terms; our key is not sent to it.
    if (options.ws === undefined) await ensureSignedIn(codex);
  } catch (error) {
    await codex.close();
    throw error;
  }
  return { codex, mock: undefined, workspace: undefined, close: () => codex.close() };
}

async function readToken(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --token-file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const token = text.trim();
  if (token === '') throw new UsageError(`--token-file ${path} is empty`);
  return token;
}

// The app-server speaks WebSocket only; an http:// URL is refused rather than rewritten, so that
// what is typed is what is connected to (and a token never goes where the user did not say).
function checkServerUrl(value: string): void {
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    throw new UsageError(`--ws ${value} is not a URL; use ws://HOST:PORT, wss://HOST:PORT or unix://PATH`);
  }
  if (protocol === 'ws:' || protocol === 'wss:' || protocol === 'unix:') return;
  const hint = protocol === 'http:' || protocol === 'https:' ? ` (the app-server listens on ws://, not ${protocol}//)` : '';
  throw new UsageError(`--ws takes a ws://, wss:// or unix:// URL, not ${protocol}//${hint}`);
}
