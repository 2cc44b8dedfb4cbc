/**
 * Where a client's connection to its app-server is, for a UI to show: `connecting` until the
 * first `initialize` has succeeded, `ready` while connected, `reconnecting` after a drop (the
 * attempt about to be made and the delay before it), `closed` for good with the reason.
 *
 * @example
 * codex.connectionState$.subscribe((status: ConnectionStatus) => {
 *   if (status.state === 'reconnecting') console.log(`reconnecting (attempt ${status.attempt}) in ${status.delayMs} ms`);
 *   if (status.state === 'closed') console.log(`closed: ${status.reason}`);
 * });
 */
export type ConnectionStatus =
  | { readonly state: 'connecting' }
  | { readonly state: 'ready' }
  | { readonly state: 'reconnecting'; readonly attempt: number; readonly delayMs: number }
  | { readonly state: 'closed'; readonly reason: string };
