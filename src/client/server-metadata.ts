import type { InitializeResponse } from '../protocol/generated/codecs.js';
import { generatedFrom } from '../protocol/generated/generated-from.js';

/**
 * Who answered `initialize`: the raw response, the server's version, and whether it is the
 * version the client's protocol was generated from.
 *
 * The server's name is not reported: the app-server sends no `serverInfo`, and the product of
 * its user agent is the originator the client introduced itself with (`clientInfo.name`), so it
 * would only echo the client's own name back.
 *
 * @example
 * const metadata: ServerMetadata = await codex.ready();
 * console.log(metadata.serverVersion, metadata.initialize.codexHome);
 * if (metadata.versionMismatch) console.warn(`server ${metadata.serverVersion}, codecs from ${metadata.protocolVersion}`);
 */
export interface ServerMetadata {
  /** The `initialize` response as received. */
  readonly initialize: InitializeResponse;
  readonly userAgent: string;
  /** The server's version: `serverInfo.version` when the response has it, else the version in the user agent's product (`codex_rx/0.171.0 (…)`). */
  readonly serverVersion: string;
  /** The runtime version the client's protocol codecs were generated from (`generatedFrom.version`). */
  readonly protocolVersion: string;
  /** Whether `serverVersion` differs from `protocolVersion`: methods and shapes may then differ from the typed ones. */
  readonly versionMismatch: boolean;
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
 * Reads the server's version from an `initialize` response and compares it with the protocol's;
 * throws `MissingServerMetadataError` when the response has no version.
 *
 * @example
 * serverMetadata({ userAgent: 'codex_rx/1.2.3' } as protocol.InitializeResponse);
 * // { serverVersion: '1.2.3', protocolVersion: '0.171.0', versionMismatch: true, … }
 */
export function serverMetadata(response: InitializeResponse, protocolVersion: string = generatedFrom.version): ServerMetadata {
  const info = (response as { serverInfo?: { version?: unknown } }).serverInfo;
  const userAgent = typeof response?.userAgent === 'string' ? response.userAgent.trim() : '';
  let serverVersion = typeof info?.version === 'string' ? info.version : '';
  if (serverVersion === '' && userAgent !== '') {
    // A user agent starts with `product/version`, maybe followed by comments: `codex_rx/0.171.0 (Linux …)`.
    const product = userAgent.split(/\s+/, 1)[0] ?? '';
    const slash = product.indexOf('/');
    if (slash > 0) serverVersion = product.slice(slash + 1);
  }
  if (serverVersion === '') {
    throw new MissingServerMetadataError(
      `initialize did not say which server answered (userAgent ${JSON.stringify(response?.userAgent ?? null)}, no serverInfo)`,
    );
  }
  return { initialize: response, userAgent, serverVersion, protocolVersion, versionMismatch: serverVersion !== protocolVersion };
}
