import type { Redis } from 'ioredis';
import type { FleetEvent } from './fleet-event.js';

/**
 * Appends an entry only while the writer's attempt is the job's latest: a worker whose job was
 * taken from it (its lock expired while it was slow, and another worker started the job again)
 * can no longer write, so the stream's `seq` stays unique and only one attempt writes a result.
 * KEYS: the stream, the job's attempt counter. ARGV: the writer's attempt, the entry, and an
 * optional expiry in seconds for both keys. Returns 1 when appended, 0 when fenced off.
 */
const APPEND_SCRIPT = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('XADD', KEYS[1], '*', 'e', ARGV[2])
if ARGV[3] then
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
return 1`;

interface WithAppendCommand {
  fleetAppend(stream: string, attempts: string, attempt: string, entry: string, ...expire: string[]): Promise<number>;
}

/**
 * The writing side of one attempt of a job's event stream. Entries are not awaited one by one
 * (the connection pipelines them, in order), only the final one is.
 *
 * @example
 * import { loadFleetDependencies } from './load-fleet-dependencies.js';
 * import { openRedis } from './open-redis.js';
 * import { FleetKeys } from './fleet-keys.js';
 *
 * const config = { redis: 'redis://127.0.0.1:6379' };
 * const redis = openRedis(await loadFleetDependencies(), config, 'codex-rx example');
 * const keys = new FleetKeys(config);
 * const log = await FleetEventLog.begin(redis, keys.events(jobId), keys.attempts(jobId));
 * log.append({ kind: 'attempt', seq: log.nextSeq(), attempt: log.attempt, workerId: 'a' });
 */
export class FleetEventLog {
  private failure: unknown;
  private fenced = false;
  private seq: number;

  private constructor(
    private readonly redis: Redis & WithAppendCommand,
    private readonly key: string,
    private readonly attemptsKey: string,
    /** This attempt's number: 1 for the job's first run. */
    readonly attempt: number,
    /** The stream's last entry when this attempt began. */
    readonly previous: FleetEvent | undefined,
  ) {
    this.seq = previous === undefined ? 0 : previous.seq + 1;
  }

  /** Starts an attempt: from now on, writers of earlier attempts are fenced off. */
  static async begin(redis: Redis, key: string, attemptsKey: string): Promise<FleetEventLog> {
    if (!('fleetAppend' in redis)) redis.defineCommand('fleetAppend', { numberOfKeys: 2, lua: APPEND_SCRIPT });
    const attempt = await redis.incr(attemptsKey);
    return new FleetEventLog(redis as Redis & WithAppendCommand, key, attemptsKey, attempt, await FleetEventLog.last(redis, key));
  }

  /** A stream's last entry, if any. */
  static async last(redis: Redis, key: string): Promise<FleetEvent | undefined> {
    const [entry] = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
    return entry === undefined ? undefined : (JSON.parse(entry[1][1] ?? 'null') as FleetEvent);
  }

  /** Whether a later attempt of the job has begun: this one must stop. */
  get isFenced(): boolean {
    return this.fenced;
  }

  /** The `seq` of the next entry. */
  nextSeq(): number {
    return this.seq++;
  }

  /** Appends an entry without waiting; a failed write surfaces at the next `flush`. */
  append(entry: FleetEvent): void {
    this.write(entry).catch((error: unknown) => {
      this.failure ??= error;
    });
  }

  /**
   * Appends an entry and waits until it is stored; Redis answers one connection in order, so
   * every earlier entry is stored too. With `expireSeconds`, the stream then expires. Resolves
   * false when a later attempt has fenced this one off (nothing was written).
   */
  async flush(entry: FleetEvent, expireSeconds?: number): Promise<boolean> {
    const written = await this.write(entry, expireSeconds);
    if (this.failure !== undefined) throw this.failure;
    return written;
  }

  private async write(entry: FleetEvent, expireSeconds?: number): Promise<boolean> {
    const expire = expireSeconds === undefined ? [] : [String(expireSeconds)];
    const written = (await this.redis.fleetAppend(this.key, this.attemptsKey, String(this.attempt), JSON.stringify(entry), ...expire)) === 1;
    if (!written) this.fenced = true;
    return written;
  }
}
