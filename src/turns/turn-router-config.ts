/**
 * Options of a `TurnRouter` (and of a `Codex`, which passes them on). Defaults are in
 * `DEFAULT_TURN_ROUTER_CONFIG`.
 *
 * A turn is unclaimed while the router holds its events and nobody has asked for it: a turn the
 * server streams without a `turn/start` from this client, or ids that never start or complete.
 * Turns of a thread whose `turn/start` is still waiting for its answer are not counted: their
 * caller is about to claim them.
 *
 * @example
 * const codex = new Codex({ maxUnclaimedTurns: 100, unclaimedTurnMaxAgeMs: 10_000 });
 * codex.diagnostics$.subscribe((diagnostic) => {
 *   if (diagnostic.kind === 'unclaimed-turn-dropped') console.warn(diagnostic.message);
 * });
 */
export interface TurnRouterConfig {
  /** How many unclaimed turns are held at most; opening one more drops the oldest, with a diagnostic. */
  readonly maxUnclaimedTurns?: number;
  /** How long an unclaimed turn is held, in ms; older ones are dropped, with a diagnostic, when another opens. */
  readonly unclaimedTurnMaxAgeMs?: number;
}

/**
 * The defaults of `TurnRouterConfig`.
 *
 * @example
 * const roomy = new Codex({ maxUnclaimedTurns: DEFAULT_TURN_ROUTER_CONFIG.maxUnclaimedTurns * 4 });
 */
export const DEFAULT_TURN_ROUTER_CONFIG = {
  maxUnclaimedTurns: 1_000,
  unclaimedTurnMaxAgeMs: 300_000,
} as const satisfies Required<TurnRouterConfig>;
