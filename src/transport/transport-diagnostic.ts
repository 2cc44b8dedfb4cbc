/**
 * Something read from the wire that is not a usable JSON-RPC message. The raw text is kept.
 *
 * @example
 * transport.diagnostics$.subscribe((diagnostic: TransportDiagnostic) => {
 *   console.warn(diagnostic.kind, diagnostic.message, diagnostic.raw.slice(0, 80));
 * });
 */
export interface TransportDiagnostic {
  readonly kind: 'invalid-json' | 'not-a-message';
  readonly raw: string;
  readonly message: string;
}
