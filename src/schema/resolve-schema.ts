import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { Decoder } from 'io-ts';
import type { JsonSchemaObject } from './json-schema-object.js';
import type { ResolvedSchema } from './resolved-schema.js';
import { SchemaError } from './schema-error.js';
import type { SchemaIssue } from './schema-issue.js';
import type { SchemaInput, SchemaOutput } from './schema-input.js';
import type { SchemaValidation } from './schema-validation.js';

/**
 * A schema in any accepted form (see `SchemaInput`) as its JSON Schema and a validator. Throws
 * `SchemaError` when the input is none of the accepted forms or its JSON Schema cannot be made.
 *
 * The JSON Schema of a Standard JSON Schema validator is its `output()` one: it describes the value
 * the validator returns, which is what strict mode needs. zod 4's `input()` leaves out
 * `additionalProperties: false` (its objects accept unknown keys and strip them), and the server's
 * strict mode refuses an object without it; `output()` keeps it, and also lists fields with a
 * `.default()` as required, as strict mode wants.
 *
 * @example
 * import { z } from 'zod';
 *
 * const review = resolveSchema(z.object({ verdict: z.enum(['approve', 'reject']) }));
 * review.jsonSchema; // { type: 'object', properties: { verdict: … }, required: ['verdict'], additionalProperties: false, … }
 * const checked = await review.validate({ verdict: 'approve' }); // { value: { verdict: 'approve' } }
 */
export function resolveSchema<S extends SchemaInput>(input: S): ResolvedSchema<SchemaOutput<S>> {
  type T = SchemaOutput<S>;
  if (!isObject(input)) throw new SchemaError([{ path: '$', message: `expected a schema object, got ${describe(input)}` }]);
  const standard = input['~standard'];
  if (standard !== undefined) {
    const props = standard as Partial<StandardSchemaV1.Props & { jsonSchema: { output?: unknown } }>;
    if (typeof props.validate !== 'function') throw new SchemaError([{ path: '$', message: 'a Standard Schema without ~standard.validate' }]);
    if (!isObject(props.jsonSchema) || typeof props.jsonSchema.output !== 'function') {
      throw new SchemaError([
        { path: '$', message: `this ${props.vendor ?? 'Standard Schema'} validator has no Standard JSON Schema (~standard.jsonSchema): pass { schema, jsonSchema }` },
      ]);
    }
    const output = props.jsonSchema.output as (options: { target: string }) => Record<string, unknown>;
    const jsonSchema = produce(() => output({ target: 'draft-2020-12' }), props.vendor);
    return { vendor: props.vendor ?? 'standard-schema', jsonSchema, validate: standardValidator<T>(props.validate) };
  }
  if ('schema' in input && 'jsonSchema' in input) {
    const { schema, jsonSchema } = input as { schema: unknown; jsonSchema: unknown };
    if (!isObject(jsonSchema)) throw new SchemaError([{ path: '$', message: `jsonSchema must be a JSON Schema object, got ${describe(jsonSchema)}` }]);
    if (isObject(schema) && isObject(schema['~standard']) && typeof schema['~standard']['validate'] === 'function') {
      const props = schema['~standard'] as unknown as StandardSchemaV1.Props;
      return { vendor: props.vendor, jsonSchema: jsonSchema as JsonSchemaObject, validate: standardValidator<T>(props.validate) };
    }
    if (isObject(schema) && typeof schema['decode'] === 'function' && typeof schema['validate'] === 'function') {
      return { vendor: 'io-ts', jsonSchema: jsonSchema as JsonSchemaObject, validate: ioTsValidator<T>(schema as unknown as Decoder<unknown, T>) };
    }
    throw new SchemaError([{ path: '$', message: 'schema must be a Standard Schema validator or an io-ts codec' }]);
  }
  return { vendor: 'json-schema', jsonSchema: input as JsonSchemaObject, validate: async (value) => ({ value: value as T }) };
}

function standardValidator<T>(validate: StandardSchemaV1.Props['validate']): ResolvedSchema<T>['validate'] {
  return async (value) => {
    try {
      const result = await validate(value);
      if (result.issues === undefined) return { value: result.value as T };
      return { issues: result.issues.map(standardIssue) };
    } catch (error) {
      return { issues: [{ message: `the validator threw: ${error instanceof Error ? error.message : String(error)}`, path: [] }] };
    }
  };
}

function standardIssue(issue: StandardSchemaV1.Issue): SchemaIssue {
  const path = (issue.path ?? []).map((segment) => {
    const key = typeof segment === 'object' ? segment.key : segment;
    return typeof key === 'number' ? key : String(key);
  });
  return { message: issue.message, path };
}

function ioTsValidator<T>(codec: Decoder<unknown, T>): ResolvedSchema<T>['validate'] {
  return async (value): Promise<SchemaValidation<T>> => {
    try {
      const decoded = codec.decode(value);
      if (decoded._tag === 'Right') return { value: decoded.right };
      return {
        issues: decoded.left.map((error) => {
          // The first context entry is the codec itself (key ''); the rest are the keys walked.
          const path = error.context.slice(1).map((entry) => (/^\d+$/.test(entry.key) ? Number(entry.key) : entry.key));
          const last = error.context[error.context.length - 1];
          return { message: error.message ?? `expected ${last?.type.name ?? codec.name}, got ${describe(error.value)}`, path };
        }),
      };
    } catch (error) {
      return { issues: [{ message: `the codec threw: ${error instanceof Error ? error.message : String(error)}`, path: [] }] };
    }
  };
}

function produce(make: () => Record<string, unknown>, vendor: string | undefined): JsonSchemaObject {
  let schema: unknown;
  try {
    schema = make();
  } catch (error) {
    throw new SchemaError([
      { path: '$', message: `${vendor ?? 'the validator'} could not give its JSON Schema: ${error instanceof Error ? error.message : String(error)}` },
    ]);
  }
  if (!isObject(schema)) throw new SchemaError([{ path: '$', message: `${vendor ?? 'the validator'} gave no JSON Schema object` }]);
  return schema as JsonSchemaObject;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The kind of a value, never the value itself (it may be a secret). */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
