const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A path of keys written as a JSON path from the root `$`: `$.findings[0].line`, `$["odd key"]`.
 *
 * @example
 * jsonPath(['properties', 'a b', 'items']); // '$.properties["a b"].items'
 */
export function jsonPath(keys: readonly (string | number)[]): string {
  let path = '$';
  for (const key of keys) {
    if (typeof key === 'number') path += `[${key}]`;
    else if (IDENTIFIER.test(key)) path += `.${key}`;
    else path += `[${JSON.stringify(key)}]`;
  }
  return path;
}
