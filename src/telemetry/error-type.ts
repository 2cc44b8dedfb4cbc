/**
 * What `error.type` holds for an error: its class name (or its `name`, as a `DOMException` has),
 * never its message, which may carry content.
 *
 * @example
 * errorType(new TypeError('x')); // 'TypeError'
 */
export function errorType(error: unknown): string {
  if (error instanceof Error) return error.name === 'Error' ? error.constructor.name : error.name;
  if (typeof DOMException !== 'undefined' && error instanceof DOMException) return error.name;
  return 'unknown';
}
