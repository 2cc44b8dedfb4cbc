import { expect } from 'chai';

/**
 * Whether `partial` is a prefix-extension of `whole`'s streaming: a string prefix; an array whose
 * elements but the last equal `whole`'s and whose last is partial; an object whose keys are among
 * `whole`'s, each value a partial of its own; other values equal. `undefined` (nothing yet) is
 * a partial of anything.
 */
export function isPartialOf(partial: unknown, whole: unknown): boolean {
  if (partial === undefined) return true;
  if (typeof partial === 'string') return typeof whole === 'string' && whole.startsWith(partial);
  if (Array.isArray(partial)) {
    if (!Array.isArray(whole) || partial.length > whole.length) return false;
    return partial.every((item, i) => (i === partial.length - 1 ? isPartialOf(item, whole[i]) : deepEqual(item, whole[i])));
  }
  if (typeof partial === 'object' && partial !== null) {
    if (typeof whole !== 'object' || whole === null || Array.isArray(whole)) return false;
    // Keys only: JavaScript lists integer-like keys first whatever the order of the text.
    return Object.keys(partial).every((key) => Object.hasOwn(whole, key) && isPartialOf((partial as Record<string, unknown>)[key], (whole as Record<string, unknown>)[key]));
  }
  return Object.is(partial, whole);
}

function deepEqual(a: unknown, b: unknown): boolean {
  try {
    expect(a).to.deep.equal(b);
    return true;
  } catch {
    return false;
  }
}
