/**
 * Options over defaults, where an option given as `undefined` keeps the default (a plain spread
 * would let it erase the default).
 */
export function withDefaults<D extends object, C extends Partial<Record<keyof D, unknown>>>(defaults: D, config: C): D & C {
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [key, value] of Object.entries(config)) if (value !== undefined) merged[key] = value;
  return merged as D & C;
}
