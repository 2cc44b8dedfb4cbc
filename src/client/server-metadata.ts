import type { InitializeResponse } from '../protocol/generated/codecs.js';

/**
 * Who answered `initialize`: the raw response and the server's name and version.
 *
 * @example
 * const metadata: ServerMetadata = await codex.ready();
 * console.log(metadata.serverVersion, metadata.initialize.codexHome);
 */
export interface ServerMetadata {
  /** The `initialize` response as received. */
  readonly initialize: InitializeResponse;
  readonly userAgent: string;
  /**
   * The server's name: `serverInfo.name` when the response has it, else the product of the user
   * agent. The app-server 0.169 sends no `serverInfo` and names itself in the user agent after the
   * originator the client introduced (`clientInfo.name`), so this is often the client's own name;
   * `serverVersion` is the runtime's version either way.
   */
  readonly serverName: string;
  /** The server's version, found the same way. */
  readonly serverVersion: string;
}

/**
 * The error for an `initialize` response that does not say who the server is.
 *
 * @example
 * const error = await Codex.connect({ codexBin: '/opt/some-other-server' }).catch((e: unknown) => e);
 * error instanceof MissingServerMetadataError; // true when its initialize answer names no server
 */
export class MissingServerMetadataError extends Error {
  override readonly name = 'MissingServerMetadataError';
}

/**
 * Reads the server's identity from an `initialize` response; throws
 * `MissingServerMetadataError` when it has none.
 *
 * @example
 * serverMetadata({ userAgent: 'codex-cli/1.2.3' } as InitializeResponse);
 * // { serverName: 'codex-cli', serverVersion: '1.2.3', … }
 */
export function serverMetadata(response: InitializeResponse): ServerMetadata {
  const info = (response as { serverInfo?: { name?: unknown; version?: unknown } }).serverInfo;
  const userAgent = typeof response?.userAgent === 'string' ? response.userAgent.trim() : '';
  let serverName = typeof info?.name === 'string' ? info.name : '';
  let serverVersion = typeof info?.version === 'string' ? info.version : '';
  if ((serverName === '' || serverVersion === '') && userAgent !== '') {
    // A user agent starts with `product/version`, maybe followed by comments: `codex-cli/0.169.0 (Linux …)`.
    const product = userAgent.split(/\s+/, 1)[0] ?? '';
    const slash = product.indexOf('/');
    if (slash > 0) {
      serverName ||= product.slice(0, slash);
      serverVersion ||= product.slice(slash + 1);
    }
  }
  if (serverName === '' || serverVersion === '') {
    throw new MissingServerMetadataError(
      `initialize did not say which server answered (userAgent ${JSON.stringify(response?.userAgent ?? null)}, no serverInfo)`,
    );
  }
  return { initialize: response, userAgent, serverName, serverVersion };
}
