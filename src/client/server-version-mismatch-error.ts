/**
 * The server's version is not the one the client's protocol was generated from, and the client
 * was configured to refuse that (`requireMatchingServerVersion`).
 *
 * @example
 * const error = await Codex.connect({ requireMatchingServerVersion: true }).catch((e: unknown) => e);
 * if (error instanceof ServerVersionMismatchError) console.error(`server ${error.serverVersion}, codecs from ${error.protocolVersion}`);
 */
export class ServerVersionMismatchError extends Error {
  override readonly name = 'ServerVersionMismatchError';
  constructor(
    /** The version the server reported in `initialize`. */
    readonly serverVersion: string,
    /** The runtime version the protocol codecs were generated from. */
    readonly protocolVersion: string,
  ) {
    super(versionMismatchMessage(serverVersion, protocolVersion));
  }
}

/**
 * What a version mismatch means for the user, in one sentence.
 *
 * @example
 * versionMismatchMessage('0.172.0', '0.171.0');
 * // 'the app-server is 0.172.0 but the protocol codecs were generated from 0.171.0: …'
 */
export function versionMismatchMessage(serverVersion: string, protocolVersion: string): string {
  return (
    `the app-server is ${serverVersion} but the protocol codecs were generated from ${protocolVersion}: ` +
    'methods and fields that changed between them are unknown to the client (regenerate the protocol, or use requestUntyped for new methods)'
  );
}
