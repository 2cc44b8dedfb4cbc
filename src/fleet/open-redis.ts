import type { Redis, RedisOptions } from 'ioredis';
import type { FleetDependencies } from './load-fleet-dependencies.js';

/**
 * A Redis connection for the fleet. Commands wait through a Redis restart instead of failing
 * (`maxRetriesPerRequest: null`, as BullMQ requires), and those in flight when the connection
 * dropped are sent again: the fleet's writes are idempotent or de-duplicated by `seq`.
 *
 * @example
 * const redis = openRedis(await loadFleetDependencies(), 'redis://127.0.0.1:6379', 'codex-rx producer');
 */
export function openRedis(dependencies: FleetDependencies, target: string | RedisOptions, name: string): Redis {
  const options: RedisOptions = {
    maxRetriesPerRequest: null,
    enableAutoPipelining: true,
    connectionName: name.replace(/\s+/g, '-'),
    retryStrategy: (times) => Math.min(50 * times, 1_000),
  };
  const redis = typeof target === 'string' ? new dependencies.ioredis.Redis(target, options) : new dependencies.ioredis.Redis({ ...target, ...options });
  // The client reconnects by itself and its commands wait meanwhile; without a listener each
  // failed connection attempt would be printed as an unhandled error.
  redis.on('error', () => undefined);
  return redis;
}
