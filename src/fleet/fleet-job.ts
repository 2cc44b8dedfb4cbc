import type { ThreadStartOptions } from '../client/codex.js';
import type { RunInput } from '../client/run-input.js';
import type { TurnOptions } from '../client/turn-options.js';

/**
 * One turn to run somewhere in the fleet. Everything in it travels through Redis as JSON.
 *
 * @example
 * const first: FleetJob = { input: 'Review the diff in /srv/repo', thread: { cwd: '/srv/repo' }, key: 'review-pr-42' };
 * const firstResult = await (await producer.submit(first)).result();
 * const followUp: FleetJob = { input: 'Now fix what you found', thread: firstResult.threadId };
 */
export interface FleetJob {
  /** What to ask: a string or input items, as for `thread.run`. */
  readonly input: RunInput;
  /**
   * A thread id continues that thread (the job runs on the worker that holds it); options, or
   * nothing, start a new thread.
   */
  readonly thread?: string | FleetThreadOptions;
  /** Options of the turn, as for `thread.run`. */
  readonly turn?: FleetTurnOptions;
  /**
   * The idempotency key, used as the job's id: submitting a key again while its job is kept
   * returns the same job instead of a second one. Default: a random id.
   */
  readonly key?: string;
  /** How many times a failing turn runs before the job fails for good. Default 3. */
  readonly attempts?: number;
  /** BullMQ priority: 1 is the highest; jobs without one run first. */
  readonly priority?: number;
}

/**
 * Options of the thread a job starts: those of `codex.threadStart`, less what cannot travel. Tools
 * are named: the worker gives the thread those of its own tools (`FleetWorkerConfig.tools`).
 *
 * @example
 * const thread: FleetThreadOptions = { sandbox: Sandbox.readOnly, ephemeral: true, tools: ['lookup_ticket'] };
 */
export type FleetThreadOptions = Omit<ThreadStartOptions, 'signal' | 'timeoutMs' | 'tools'> & {
  /** Names of the worker's tools (or tool namespaces) the thread gets; a name the worker lacks fails the job. */
  readonly tools?: readonly string[];
};

/**
 * Options of a job's turn: those of `thread.run`, less the abort signal (cancel the job instead).
 *
 * @example
 * const turn: FleetTurnOptions = { effort: 'high' };
 */
export type FleetTurnOptions = Omit<TurnOptions, 'signal'>;
