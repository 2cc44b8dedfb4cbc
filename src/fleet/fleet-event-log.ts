import type { Redis } from 'ioredis';
import type { FleetEvent } from './fleet-event.js';

/**
 * The writing side of one job's event stream. Each entry is one XADD of one field; they are not
 * awaited one by one (the connection pipelines them, in order), only the final one is.
 *
 * @example
 * const log = new FleetEventLog(redis, keys.events(jobId));
 * const last = await log.last();
 * log.append({ kind: 'attempt', seq: (last?.seq ?? -1) + 1, attempt: 1, workerId: 'a' });
 */
export class FleetEventLog {
  private failure: unknown;

  constructor(
    private readonly redis: Redis,
    /** The stream's key. */
    readonly key: string,
  ) {}

  /** The stream's last entry, if any. */
  async last(): Promise<FleetEvent | undefined> {
    const [entry] = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', 1);
    return entry === undefined ? undefined : (JSON.parse(entry[1][1] ?? 'null') as FleetEvent);
  }

  /** Appends an entry without waiting; a failed write surfaces at the next `flush`. */
  append(entry: FleetEvent): void {
    this.redis.xadd(this.key, '*', 'e', JSON.stringify(entry)).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  /**
   * Appends an entry and waits until it is stored; Redis answers one connection in order, so
   * every earlier entry is stored too. With `expireSeconds`, the stream then expires.
   */
  async flush(entry: FleetEvent, expireSeconds?: number): Promise<void> {
    await this.redis.xadd(this.key, '*', 'e', JSON.stringify(entry));
    if (expireSeconds !== undefined) await this.redis.expire(this.key, expireSeconds);
    if (this.failure !== undefined) throw this.failure;
  }
}
