/**
 * Something the turn router did with events nobody asked for: it dropped an unclaimed turn
 * (see `TurnRouterConfig`). Reported on `codex.diagnostics$`.
 *
 * @example
 * codex.diagnostics$.subscribe((diagnostic) => {
 *   if (diagnostic.kind === 'unclaimed-turn-dropped') console.warn(diagnostic.turnId, diagnostic.reason, diagnostic.events);
 * });
 */
export interface TurnDiagnostic {
  readonly kind: 'unclaimed-turn-dropped';
  readonly turnId: string;
  /** The thread of the turn's first event, when it named one. */
  readonly threadId: string | undefined;
  /** Too many unclaimed turns (`maxUnclaimedTurns`), or held too long (`unclaimedTurnMaxAgeMs`). */
  readonly reason: 'count' | 'age';
  /** How many events of the turn were dropped. */
  readonly events: number;
  readonly message: string;
}
