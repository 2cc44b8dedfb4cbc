import type { SchemaIssue } from './schema-issue.js';

/**
 * What validating a value gave: the (possibly transformed) value, or the issues.
 *
 * @example
 * import { z } from 'zod';
 *
 * const Review = z.object({ verdict: z.enum(['approve', 'reject']) });
 * const checked = await resolveSchema(Review).validate(JSON.parse('{"verdict":"approve"}'));
 * if (checked.issues) console.error(formatSchemaIssues(checked.issues));
 * else console.log(checked.value.verdict);
 */
export type SchemaValidation<T> =
  | { readonly value: T; readonly issues?: undefined }
  | { readonly value?: undefined; readonly issues: readonly SchemaIssue[] };
