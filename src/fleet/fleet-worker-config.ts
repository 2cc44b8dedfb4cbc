import type { Codex } from '../client/codex.js';
import type { CodexConfig } from '../client/codex-config.js';
import type { ToolSet } from '../client/tool-set.js';
import type { FleetConfig } from './fleet-config.js';
import type { FleetJobStart } from './fleet-job-start.js';
import type { TelemetryOption } from '../telemetry/telemetry-config.js';

/**
 * Options of `FleetWorker.start`.
 *
 * Server requests (approvals and the like) are answered by the `Codex`'s own policy: pass
 * `serverRequestHandlers` in `codex` (a fixed policy), or a `Codex` whose `serverRequests$` a
 * service answers.
 *
 * @example
 * const worker = await FleetWorker.start({
 *   redis: 'redis://10.0.0.5:6379',
 *   id: 'worker-a',
 *   concurrency: 8,
 *   codex: { serverRequestHandlers: { 'item/commandExecution/requestApproval': () => ({ decision: 'decline' }) } },
 * });
 */
export interface FleetWorkerConfig extends FleetConfig {
  /**
   * The worker's id. A worker that restarts with the same id and the same `CODEX_HOME` takes
   * back its threads and the follow-ups queued for them. Default: host name and process id.
   */
  readonly id?: string;
  /** Turns run at once, per queue the worker takes jobs from (the shared one, and its own for follow-ups). Default 4. */
  readonly concurrency?: number;
  /**
   * The app-server to run turns on: options of a `Codex` the worker creates and closes (by
   * default it launches the pinned app-server; `transport` reaches a running one), or a `Codex`
   * that the caller owns and closes.
   */
  readonly codex?: CodexConfig | Codex;
  /** How long a graceful stop lets running turns finish before it interrupts them and hands their jobs back to the queue, in ms. Default 30 s. */
  readonly graceMs?: number;
  /** How long a job stays locked without its worker renewing it; a dead worker's jobs go back to the queue after about this long. Default 30 s. */
  readonly lockDurationMs?: number;
  /** How often this worker looks for jobs whose worker died, in ms. Default 30 s. */
  readonly stalledIntervalMs?: number;
  /** How many times a job may be recovered from a dead worker before it fails. Default 2. */
  readonly maxStalledCount?: number;
  /** How often the worker reports itself (metrics, and that it is alive for its threads), in ms. Default 1 s. */
  readonly heartbeatMs?: number;
  /**
   * The tools jobs may name (`FleetJob.thread.tools`), run in this process. A follow-up on a thread
   * this worker holds keeps its tools; one resumed after a restart gets this worker's handlers again.
   */
  readonly tools?: ToolSet;
  /** Called as each job's turn is about to start, with what it will run. */
  readonly onJob?: (job: FleetJobStart) => void | Promise<void>;
  /**
   * OpenTelemetry (see `TelemetryConfig`): each job's wait in the queue and its `process` span,
   * children of the producer's `submit`, with the job's turn under it. Also the telemetry of the
   * `Codex` the worker creates, unless `codex` sets its own.
   */
  readonly telemetry?: TelemetryOption;
}

/**
 * The defaults of `FleetWorkerConfig`.
 *
 * @example
 * function graceOf(config: FleetWorkerConfig): number {
 *   return config.graceMs ?? DEFAULT_FLEET_WORKER_CONFIG.graceMs;
 * }
 */
export const DEFAULT_FLEET_WORKER_CONFIG = {
  concurrency: 4,
  graceMs: 30_000,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 2,
  heartbeatMs: 1_000,
} as const;
