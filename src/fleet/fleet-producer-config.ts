import type { FleetConfig } from './fleet-config.js';
import type { TelemetryOption } from '../telemetry/telemetry-config.js';

/**
 * Options of `FleetProducer.connect`.
 *
 * @example
 * const producer = await FleetProducer.connect({ redis: 'redis://127.0.0.1:6379', sharedCodexHome: true, retainSeconds: 3_600 });
 */
export interface FleetProducerConfig extends FleetConfig {
  /**
   * The workers share one `CODEX_HOME` (a shared volume), so any of them can resume any thread:
   * a follow-up whose thread's worker is gone then goes to the shared queue instead of failing
   * with `ThreadOwnerGoneError`. Default false.
   */
  readonly sharedCodexHome?: boolean;
  /** How long a finished job, its event stream and its idempotency key are kept, in seconds. Default one day. */
  readonly retainSeconds?: number;
  /** OpenTelemetry: a `submit` span per job, whose context travels in the job to the worker (see `TelemetryConfig`). */
  readonly telemetry?: TelemetryOption;
}

/**
 * The defaults of `FleetProducerConfig` and of `FleetJob.attempts`.
 *
 * @example
 * function keptFor(config: FleetProducerConfig): number {
 *   return config.retainSeconds ?? DEFAULT_FLEET_PRODUCER_CONFIG.retainSeconds;
 * }
 */
export const DEFAULT_FLEET_PRODUCER_CONFIG = { sharedCodexHome: false, retainSeconds: 86_400, attempts: 3 } as const;
