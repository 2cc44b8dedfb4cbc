import type { RedisOptions } from 'ioredis';

/**
 * Where a fleet lives: the Redis server and the names under which producers and workers meet.
 * Producers and workers of one fleet must agree on all three.
 *
 * @example
 * const config: FleetConfig = { redis: 'redis://10.0.0.5:6379', queue: 'reviews', prefix: 'acme' };
 * const producer = await FleetProducer.connect(config);
 */
export interface FleetConfig {
  /** A `redis://` URL, or ioredis options. */
  readonly redis: string | RedisOptions;
  /** The queue's name (default `turns`): separate queues are separate fleets on one Redis. */
  readonly queue?: string;
  /** The prefix of every Redis key the fleet writes (default `codex-rx`). */
  readonly prefix?: string;
  /** Allow a password over plain `redis://` to a host that is not loopback (default false: `InsecureRedisError`). */
  readonly allowInsecurePassword?: boolean;
  /**
   * The largest job input accepted, in bytes of its JSON: `submit` refuses a larger one with
   * `InvalidFleetJobError`, and a worker fails one for good without running it. Default 1 MiB.
   */
  readonly maxInputBytes?: number;
}

/**
 * The defaults of `FleetConfig`.
 *
 * @example
 * function queueOf(config: FleetConfig): string {
 *   return config.queue ?? DEFAULT_FLEET_CONFIG.queue;
 * }
 */
export const DEFAULT_FLEET_CONFIG = { queue: 'turns', prefix: 'codex-rx', maxInputBytes: 1_048_576 } as const;
