// codex-rx/fleet: turns as durable jobs on Redis with BullMQ. This file only re-exports.

/**
 * Runs turns past one machine: a `FleetProducer` puts turns on a BullMQ queue in Redis,
 * `FleetWorker`s (each with its own app-server) run them, and every job's events come back live
 * through a Redis Stream, replayable by any number of subscribers. A job survives the death of
 * its worker and a restart of Redis (with persistence on). Needs the optional peer packages
 * `bullmq` and `ioredis`.
 *
 * @example
 * import { FleetProducer, FleetWorker } from 'codex-rx/fleet';
 *
 * const worker = await FleetWorker.start({ redis: 'redis://127.0.0.1:6379', concurrency: 4 });
 * const producer = await FleetProducer.connect({ redis: 'redis://127.0.0.1:6379' });
 * const job = await producer.submit({ input: 'Say hello', key: 'hello-1' });
 * console.log((await job.result()).finalResponse);
 * await producer.close();
 * await worker.close();
 *
 * @module codex-rx/fleet
 */

export { FleetProducer } from './fleet-producer.js';
export { DEFAULT_FLEET_PRODUCER_CONFIG, type FleetProducerConfig } from './fleet-producer-config.js';
export { FleetJobHandle } from './fleet-job-handle.js';
export type { FleetJob, FleetThreadOptions, FleetTurnOptions } from './fleet-job.js';
export type { FleetEvent } from './fleet-event.js';
export type { FleetFailure } from './fleet-failure.js';
export { isFinalFleetEvent } from './is-final-fleet-event.js';
export { fleetTurnEvents } from './fleet-turn-events.js';
export { FleetWorker } from './fleet-worker.js';
export { DEFAULT_FLEET_WORKER_CONFIG, type FleetWorkerConfig } from './fleet-worker-config.js';
export type { FleetJobStart } from './fleet-job-start.js';
export { DEFAULT_FLEET_CONFIG, type FleetConfig } from './fleet-config.js';
export type { FleetMetrics } from './fleet-metrics.js';
export type { FleetWorkerMetrics } from './fleet-worker-metrics.js';
export { FleetJobFailedError } from './fleet-job-failed-error.js';
export { ThreadOwnerGoneError } from './thread-owner-gone-error.js';
export { FleetDependencyMissingError } from './fleet-dependency-missing-error.js';
export { InsecureRedisError } from './insecure-redis-error.js';
export type { TraceCarrier } from '../telemetry/fleet-tracing.js';
export { InvalidFleetJobError } from './invalid-fleet-job-error.js';
