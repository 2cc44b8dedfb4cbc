/**
 * The properties of `source` named in `keys` whose value is not `undefined`: for passing options
 * on without turning an absent one into an explicit `undefined` (which would erase a default,
 * or send a `null`-like member on the wire).
 *
 * @example
 * pickDefined({ model: 'gpt-5.4', cwd: undefined, other: 1 }, ['model', 'cwd']); // { model: 'gpt-5.4' }
 */
export function pickDefined<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}
