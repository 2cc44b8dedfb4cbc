/** Buckets to start with; doubled whenever the map holds twice as many entries. */
const INITIAL_BUCKETS = 1_024;

/**
 * A `Map` from id strings to values whose `get` does not hash the whole key.
 *
 * The router looks up every frame's turn by an id that `JSON.parse` has just created: a fresh
 * string whose hash V8 has never computed, so `Map.get` first reads all its characters (36 for
 * the server's UUIDs), and at a thousand live turns that lookup was most of the router's time.
 * Ids differ in their last characters (UUIDv7 ends in random bits, counters in their low
 * digits), so this map picks a bucket from the length and the last four characters, and compares
 * the few keys in it with `===`. Everything but `get` is the `Map` it extends (iteration order,
 * `size`, `has`).
 *
 * @example
 * const turns = new IdMap<{ events: number }>();
 * turns.set('019a7c1e-7f3a-7d21-9b44-3c1f0e2d5a6b', { events: 0 });
 * turns.get(JSON.parse('"019a7c1e-7f3a-7d21-9b44-3c1f0e2d5a6b"'))!.events += 1;
 */
export class IdMap<V> extends Map<string, V> {
  // Each bucket alternates key and value: [key0, value0, key1, value1, …].
  private buckets: (unknown[] | undefined)[] = new Array<unknown[] | undefined>(INITIAL_BUCKETS);
  private mask = INITIAL_BUCKETS - 1;

  override get(key: string): V | undefined {
    const bucket = this.buckets[slotOf(key, this.mask)];
    if (bucket === undefined) return undefined;
    for (let i = 0; i < bucket.length; i += 2) if (bucket[i] === key) return bucket[i + 1] as V;
    return undefined;
  }

  override set(key: string, value: V): this {
    // Map's constructor calls set before the fields exist.
    if (this.buckets === undefined) return super.set(key, value);
    super.set(key, value);
    const slot = slotOf(key, this.mask);
    const bucket = this.buckets[slot];
    if (bucket === undefined) {
      this.buckets[slot] = [key, value];
    } else {
      const at = indexOf(bucket, key);
      if (at === -1) bucket.push(key, value);
      else bucket[at + 1] = value;
    }
    if (this.size > this.buckets.length * 2) this.rebuild(this.buckets.length * 2);
    return this;
  }

  override delete(key: string): boolean {
    if (!super.delete(key)) return false;
    const slot = slotOf(key, this.mask);
    const bucket = this.buckets[slot]!;
    const at = indexOf(bucket, key);
    if (bucket.length === 2) this.buckets[slot] = undefined;
    else bucket.splice(at, 2);
    return true;
  }

  override clear(): void {
    super.clear();
    this.buckets = new Array<unknown[] | undefined>(INITIAL_BUCKETS);
    this.mask = INITIAL_BUCKETS - 1;
  }

  private rebuild(count: number): void {
    this.buckets = new Array<unknown[] | undefined>(count);
    this.mask = count - 1;
    for (const [key, value] of super.entries()) {
      const slot = slotOf(key, this.mask);
      const bucket = this.buckets[slot];
      if (bucket === undefined) this.buckets[slot] = [key, value];
      else bucket.push(key, value);
    }
  }
}

/** The bucket of a key: its length and last four characters (`| 0` turns the NaN of a shorter key into 0). */
function slotOf(key: string, mask: number): number {
  const n = key.length;
  const hash = ((((key.charCodeAt(n - 1) | 0) * 31 + (key.charCodeAt(n - 2) | 0)) * 31 + (key.charCodeAt(n - 3) | 0)) * 31 + (key.charCodeAt(n - 4) | 0)) * 31 + n;
  return hash & mask;
}

function indexOf(bucket: readonly unknown[], key: string): number {
  for (let i = 0; i < bucket.length; i += 2) if (bucket[i] === key) return i;
  return -1;
}
