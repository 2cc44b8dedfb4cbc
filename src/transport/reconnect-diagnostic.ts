/**
 * What a reconnecting client reports on `codex.diagnostics$`: each drop, each failed attempt,
 * each reconnection (with how long the client was away), threads it could not resume, and turns
 * whose missed part was rebuilt from the server's stored state.
 *
 * @example
 * codex.diagnostics$.subscribe((diagnostic) => {
 *   if (diagnostic.kind === 'reconnected') console.log(`back after ${diagnostic.downtimeMs} ms`);
 * });
 */
export type ReconnectDiagnostic =
  | { readonly kind: 'connection-lost'; readonly message: string; readonly error: unknown }
  | { readonly kind: 'reconnect-attempt-failed'; readonly attempt: number; readonly message: string; readonly error: unknown }
  | { readonly kind: 'reconnected'; readonly attempts: number; readonly downtimeMs: number; readonly message: string }
  | { readonly kind: 'thread-resume-failed'; readonly threadId: string; readonly message: string; readonly error: unknown }
  /** A turn's events missed during a drop were rebuilt from the stored turn (`completed`: its end too). */
  | {
      readonly kind: 'turn-reconciled';
      readonly threadId: string;
      readonly turnId: string;
      readonly reconstructedItems: number;
      readonly completed: boolean;
      /** The turn's status in the stored state (`inProgress` while it runs on). */
      readonly status: string;
      readonly message: string;
    };
