import type { StandardJSONSchemaV1, StandardSchemaV1 } from '@standard-schema/spec';
import type { Decoder } from 'io-ts';
import type { JsonSchemaObject } from './json-schema-object.js';

/**
 * A Standard Schema validator that also gives its JSON Schema (zod ≥ 4.2, arktype ≥ 2.1.28, …).
 *
 * @example
 * import { z } from 'zod';
 *
 * const Verdict: StandardJsonSchemaValidator<{ ok: boolean }> = z.object({ ok: z.boolean() });
 */
export type StandardJsonSchemaValidator<T = unknown> = StandardSchemaV1<unknown, T> & StandardJSONSchemaV1<unknown, T>;

/**
 * A validator beside the JSON Schema it stands for: any Standard Schema, or an io-ts codec.
 *
 * @example
 * import * as t from 'io-ts';
 *
 * const verdict: SchemaWithJsonSchema<{ ok: boolean }> = {
 *   schema: t.type({ ok: t.boolean }),
 *   jsonSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false },
 * };
 */
export interface SchemaWithJsonSchema<T = unknown> {
  readonly schema: StandardSchemaV1<unknown, T> | Decoder<unknown, T>;
  readonly jsonSchema: JsonSchemaObject;
}

/**
 * A schema as the client takes it, for a turn's output or a tool's arguments:
 * - a Standard Schema validator that implements Standard JSON Schema (zod ≥ 4.2, arktype ≥ 2.1.28):
 *   validated with `~standard.validate`, the JSON Schema from `~standard.jsonSchema.output()`;
 * - `{ schema, jsonSchema }`: any Standard Schema (valibot, …) or an io-ts codec, with the JSON
 *   Schema the model gets;
 * - a raw JSON Schema: sent as given; the value is the parsed JSON, checked against the schema's
 *   strict-mode keywords (`jsonSchemaIssues`), and typed `unknown`.
 *
 * @example
 * import * as t from 'io-ts';
 * import { z } from 'zod';
 *
 * const Review = z.object({ verdict: z.enum(['approve', 'reject']), notes: z.array(z.string()) });
 * const okJsonSchema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
 * const a: SchemaInput<z.infer<typeof Review>> = Review;
 * const b: SchemaInput<{ ok: boolean }> = { schema: t.type({ ok: t.boolean }), jsonSchema: okJsonSchema };
 * const c: SchemaInput = okJsonSchema; // the value is `unknown`
 */
export type SchemaInput<T = unknown> = StandardJsonSchemaValidator<T> | SchemaWithJsonSchema<T> | JsonSchemaObject;

/**
 * The value type a schema validates to: the validator's output type, or `unknown` for a raw JSON
 * Schema.
 *
 * @example
 * import { z } from 'zod';
 *
 * const Review = z.object({ verdict: z.enum(['approve', 'reject']) });
 * type Review = SchemaOutput<typeof Review>; // { verdict: 'approve' | 'reject' }
 */
export type SchemaOutput<S> = S extends { readonly '~standard': { readonly types?: infer Types } }
  ? NonNullable<Types> extends { readonly output: infer O } ? O : unknown
  : S extends { readonly schema: StandardSchemaV1<unknown, infer O>; readonly jsonSchema: unknown }
    ? O
    : S extends { readonly schema: Decoder<unknown, infer O>; readonly jsonSchema: unknown }
      ? O
      : unknown;
