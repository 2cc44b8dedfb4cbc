import type { Redis, RedisOptions } from 'ioredis';
import type { FleetConfig } from './fleet-config.js';
import { InsecureRedisError } from './insecure-redis-error.js';
import type { FleetDependencies } from './load-fleet-dependencies.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * A Redis connection for the fleet. Commands wait through a Redis restart instead of failing
 * (`maxRetriesPerRequest: null`, as BullMQ requires), and those in flight when the connection
 * dropped are sent again: the fleet's writes are idempotent or de-duplicated by `seq`. A password
 * is not sent in clear text off this machine unless the config allows it.
 *
 * @example
 * import { loadFleetDependencies } from './load-fleet-dependencies.js';
 *
 * const redis = openRedis(await loadFleetDependencies(), { redis: 'redis://127.0.0.1:6379' }, 'codex-rx producer');
 */
export function openRedis(dependencies: FleetDependencies, config: FleetConfig, name: string): Redis {
  const target = config.redis;
  if (!config.allowInsecurePassword) refuseCleartextPassword(target);
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

function refuseCleartextPassword(target: string | RedisOptions): void {
  if (typeof target === 'string') {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return; // ioredis reports a malformed URL itself
    }
    if (url.protocol === 'redis:' && url.password !== '' && !LOOPBACK.has(url.hostname)) throw new InsecureRedisError(url.hostname);
    return;
  }
  const host = target.host ?? 'localhost';
  if (target.password !== undefined && target.password !== '' && target.tls === undefined && !LOOPBACK.has(host)) throw new InsecureRedisError(host);
}
