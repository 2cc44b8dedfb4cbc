/**
 * A notification whose method the pinned protocol does not know (a newer server). It is passed
 * through untouched, apart from the typed ones, so that narrowing on `method` stays exact there.
 *
 * @example
 * codex.untypedNotifications$.subscribe((notification: UntypedNotification) => {
 *   console.log('a newer server sent', notification.method);
 * });
 */
export interface UntypedNotification {
  readonly method: string;
  readonly params: unknown;
}
