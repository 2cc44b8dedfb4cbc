import type { RunInput } from '../client/run-input.js';
import type { FleetThreadOptions, FleetTurnOptions } from './fleet-job.js';
import type { TraceCarrier } from '../telemetry/fleet-tracing.js';

/**
 * A job as it is stored in BullMQ: what the worker needs to run the turn.
 *
 * @example
 * const data: FleetJobData = { input: 'hi', thread: { start: {} }, retainSeconds: 3600 };
 */
export interface FleetJobData {
  readonly input: RunInput;
  readonly thread: { readonly start: FleetThreadOptions } | { readonly id: string };
  readonly turn?: FleetTurnOptions;
  /** How long the job's event stream is kept after it ends. */
  readonly retainSeconds: number;
  /** The producer's `submit` span, with telemetry: the worker's spans of the job are its children. */
  readonly trace?: TraceCarrier;
  /**
   * A follow-up whose workers share a `CODEX_HOME`: should its holder die, the job may move to
   * the shared queue (any worker can resume the thread) instead of failing.
   */
  readonly sharedCodexHome?: boolean;
}
