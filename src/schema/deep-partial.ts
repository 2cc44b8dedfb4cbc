/**
 * A value on its way to being a `T`: every property optional, all the way down, as streamed
 * output is before it is complete.
 *
 * @example
 * type Review = { verdict: 'approve' | 'reject'; findings: { line: number; note: string }[] };
 * const soFar: DeepPartial<Review> = { findings: [{ line: 3, note: 'Missing te' }] };
 */
export type DeepPartial<T> = T extends readonly (infer Item)[]
  ? DeepPartial<Item>[]
  : T extends (...args: never[]) => unknown
    ? T
    : T extends object
      ? { [K in keyof T]?: DeepPartial<T[K]> }
      : T;
