/**
 * A notification whose method the pinned protocol does not know (a newer server). It is passed
 * through untouched, apart from the typed ones, so that narrowing on `method` stays exact there.
 */
export interface UntypedNotification {
  readonly method: string;
  readonly params: unknown;
}
