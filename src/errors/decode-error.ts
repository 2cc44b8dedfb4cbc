/**
 * A message from the server did not match its generated codec. The raw value is kept so nothing
 * is lost; the message names the method and the failing paths but never echoes values (they may
 * hold secrets).
 *
 * @example
 * codex.diagnostics$.subscribe((diagnostic) => {
 *   if (diagnostic.kind === 'decode-error') console.warn(diagnostic.error.method, diagnostic.error.report);
 * });
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  /** The value as received. Not enumerable, so logging the error (util.inspect, JSON) does not print it. */
  declare readonly raw: unknown;

  constructor(
    /** What was decoded: `notification`, `response`, `server request`. */
    readonly kind: string,
    /** The JSON-RPC method it belongs to. */
    readonly method: string,
    raw: unknown,
    /** One line per failing path, as `path: expected type`. */
    readonly report: readonly string[],
  ) {
    super(`could not decode ${kind} ${method}: ${report.slice(0, 5).join('; ')}${report.length > 5 ? ` (+${report.length - 5} more)` : ''}`);
    Object.defineProperty(this, 'raw', { value: raw, enumerable: false });
  }
}
