import { Observable } from 'rxjs';
import type { Redis } from 'ioredis';
import type { FleetEvent } from './fleet-event.js';
import { isFinalFleetEvent } from './is-final-fleet-event.js';

/** How long one XREAD waits for entries before it looks again at the set of streams. */
const BLOCK_MS = 1_000;
/** Entries per stream per XREAD: a late subscriber of a long stream catches up in a few reads. */
const COUNT = 1_000;

interface Position {
  /** The id of the last entry read (`0` before the first). */
  lastId: string;
  /** The `seq` the next new entry has; a smaller one is a repeat and is dropped. */
  nextSeq: number;
  readonly emit: (entry: FleetEvent) => void;
  readonly fail: (error: unknown) => void;
}

/**
 * Reads the event streams of many jobs over one blocking connection: a single XREAD names every
 * stream being watched, so a producer following thousands of jobs holds one connection, not one
 * per job. A stream joining while the read is blocked wakes it with CLIENT UNBLOCK.
 *
 * @example
 * import { loadFleetDependencies } from './load-fleet-dependencies.js';
 * import { openRedis } from './open-redis.js';
 *
 * const dependencies = await loadFleetDependencies();
 * const control = openRedis(dependencies, { redis: 'redis://127.0.0.1:6379' }, 'codex-rx example');
 * const blocking = openRedis(dependencies, { redis: 'redis://127.0.0.1:6379' }, 'codex-rx example reader');
 * const reader = new FleetStreamReader(blocking, control);
 * reader.read$('codex-rx:turns:events:job-1').subscribe(console.log);
 */
export class FleetStreamReader {
  private readonly positions = new Map<string, Position>();
  private readerId: number | undefined;
  private looping = false;
  private closed = false;

  constructor(
    /** A connection used only for blocking reads. */
    private readonly blocking: Redis,
    /** Any other connection of the producer, to wake the blocking one. */
    private readonly control: Redis,
  ) {
    // A reconnected client has a new id.
    blocking.on('ready', () => void this.refreshReaderId());
  }

  /** The entries of one stream from its start until its final entry, repeats dropped. */
  read$(key: string): Observable<FleetEvent> {
    return new Observable<FleetEvent>((subscriber) => {
      if (this.positions.has(key)) {
        subscriber.error(new Error(`stream ${key} is already being read`));
        return;
      }
      const position: Position = {
        lastId: '0',
        nextSeq: 0,
        emit: (entry) => {
          subscriber.next(entry);
          if (isFinalFleetEvent(entry)) subscriber.complete();
        },
        fail: (error) => subscriber.error(error),
      };
      this.positions.set(key, position);
      this.wake();
      return () => {
        this.positions.delete(key);
      };
    });
  }

  /** Stops reading; the streams being read are left incomplete. Idempotent. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    if (!this.looping) {
      this.looping = true;
      void this.loop();
      return;
    }
    if (this.readerId !== undefined) void this.control.client('UNBLOCK', this.readerId).catch(() => undefined);
  }

  private async refreshReaderId(): Promise<void> {
    try {
      this.readerId = Number(await this.blocking.client('ID'));
    } catch {
      this.readerId = undefined;
    }
  }

  private async loop(): Promise<void> {
    try {
      if (this.readerId === undefined) await this.refreshReaderId();
      while (!this.closed && this.positions.size > 0) {
        const keys = [...this.positions.keys()];
        const ids = keys.map((key) => this.positions.get(key)!.lastId);
        const reply = (await this.blocking.xread('COUNT', COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', ...keys, ...ids)) as
          | Array<[string, Array<[string, string[]]>]>
          | null;
        for (const [key, entries] of reply ?? []) this.deliver(key, entries);
      }
    } catch (error) {
      if (this.closed) return;
      for (const position of [...this.positions.values()]) position.fail(error);
      this.positions.clear();
    } finally {
      this.looping = false;
      if (!this.closed && this.positions.size > 0) this.wake();
    }
  }

  private deliver(key: string, entries: Array<[string, string[]]>): void {
    for (const [id, fields] of entries) {
      const position = this.positions.get(key);
      if (position === undefined) return;
      position.lastId = id;
      const entry = JSON.parse(fields[1] ?? 'null') as FleetEvent;
      if (entry.seq < position.nextSeq) continue;
      position.nextSeq = entry.seq + 1;
      position.emit(entry);
    }
  }
}
