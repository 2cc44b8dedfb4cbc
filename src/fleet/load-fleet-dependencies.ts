import type * as Bullmq from 'bullmq';
import type * as Ioredis from 'ioredis';
import { FleetDependencyMissingError } from './fleet-dependency-missing-error.js';

/** The optional peer packages the fleet runs on, loaded on first use. */
export interface FleetDependencies {
  readonly bullmq: typeof Bullmq;
  readonly ioredis: typeof Ioredis;
}

let loading: Promise<FleetDependencies> | undefined;

/**
 * Loads `bullmq` and `ioredis`, or fails with a `FleetDependencyMissingError` naming the one that
 * is not installed. Loaded here rather than imported at the top of the entry so that importing
 * `codex-rx/fleet` without them gives that error instead of a bare module-resolution failure.
 *
 * @example
 * const { bullmq, ioredis } = await loadFleetDependencies();
 * const redis = new ioredis.Redis('redis://127.0.0.1:6379');
 */
export function loadFleetDependencies(): Promise<FleetDependencies> {
  loading ??= (async () => ({ bullmq: await load('bullmq', () => import('bullmq')), ioredis: await load('ioredis', () => import('ioredis')) }))();
  loading.catch(() => (loading = undefined));
  return loading;
}

async function load<T>(packageName: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new FleetDependencyMissingError(packageName, { cause: error });
    throw error;
  }
}
