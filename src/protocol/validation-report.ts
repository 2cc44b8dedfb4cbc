import * as t from 'io-ts';

/**
 * One line per io-ts validation error: the path and the expected type. Unlike io-ts's
 * PathReporter it never prints the offending value, which may be an API key or a token.
 *
 * @example
 * import { isLeft } from 'fp-ts/lib/Either.js';
 *
 * const result = protocol.ThreadStartParams.decode({ model: 5 });
 * if (isLeft(result)) console.log(validationReport(result.left));
 * // ['model: expected (string | null)']
 */
export function validationReport(errors: t.Errors): string[] {
  const lines = errors.map((error) => {
    const segments: string[] = [];
    for (let i = 1; i < error.context.length; i += 1) {
      // Generated codecs are built lazily behind a RecursiveType: its `type` is the codec itself.
      const entry = error.context[i - 1]!.type;
      const parent = entry instanceof t.RecursiveType ? (entry.type as t.Decoder<unknown, unknown>) : entry;
      const key = error.context[i]!.key;
      // Union and intersection members are keyed by their index among the members: not a path.
      if (parent instanceof t.UnionType || parent instanceof t.IntersectionType) continue;
      segments.push(parent instanceof t.ArrayType ? `[${key}]` : segments.length > 0 ? `.${key}` : key);
    }
    const expected = error.context[error.context.length - 1]?.type.name ?? 'unknown';
    return `${segments.join('') || '(root)'}: expected ${expected}`;
  });
  return [...new Set(lines)];
}
