/** Something read from the wire that is not a usable JSON-RPC message. The raw text is kept. */
export interface TransportDiagnostic {
  readonly kind: 'invalid-json' | 'not-a-message';
  readonly raw: string;
  readonly message: string;
}
