/**
 * The part of a Standard Schema v1 validator (zod 4, valibot, arktype, …) a tool uses: `validate`,
 * the inferred output type and, where the library has one, its Standard JSON Schema interface.
 * Structural, so any library that implements the standard fits without an import.
 *
 * @example
 * const even: StandardToolSchema<number> = {
 *   '~standard': {
 *     version: 1,
 *     vendor: 'example',
 *     validate: (value) => (typeof value === 'number' && value % 2 === 0 ? { value } : { issues: [{ message: 'expected an even number' }] }),
 *   },
 * };
 */
export interface StandardToolSchema<Output = unknown> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardToolSchemaResult<Output> | Promise<StandardToolSchemaResult<Output>>;
    readonly types?: { readonly input: unknown; readonly output: Output } | undefined;
    readonly jsonSchema?: {
      readonly input: (options: { readonly target: string }) => Record<string, unknown>;
      readonly output: (options: { readonly target: string }) => Record<string, unknown>;
    };
  };
}

/**
 * What a Standard Schema's `validate` returns: the value, or the issues.
 *
 * @example
 * const failed: StandardToolSchemaResult<number> = { issues: [{ message: 'expected a number', path: ['count'] }] };
 */
export type StandardToolSchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }> };

/**
 * A tool's input: a Standard Schema validator (arguments validated and typed by it), or a plain
 * JSON Schema object (arguments only checked to be an object, typed as a record).
 *
 * @example
 * const raw: ToolInputSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
 */
export type ToolInputSchema<Output = unknown> = StandardToolSchema<Output> | JsonSchemaObject;

/**
 * A JSON Schema, as sent to the server (`inputSchema` of a dynamic tool).
 *
 * @example
 * const schema: JsonSchemaObject = { type: 'object', properties: {}, additionalProperties: false };
 */
export type JsonSchemaObject = Readonly<Record<string, unknown>>;

/**
 * The arguments type a tool's input schema gives its `run`.
 *
 * @example
 * type Args = InferToolInput<StandardToolSchema<{ city: string }>>; // { city: string }
 */
export type InferToolInput<S> = S extends StandardToolSchema<infer Output> ? Output : Readonly<Record<string, unknown>>;

/** What a tool input becomes: the JSON Schema the model is offered and the check of its arguments. */
export interface ResolvedToolInput {
  readonly jsonSchema: JsonSchemaObject;
  readonly validate: (value: unknown) => Promise<{ readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly issues: readonly string[] }>;
}

/**
 * Resolves a tool's input schema. The JSON Schema is `jsonSchema` when given, else the validator's
 * Standard JSON Schema (`input`, draft 2020-12), else the schema itself when it is plain JSON Schema.
 */
export function resolveToolInput(name: string, input: ToolInputSchema, jsonSchema?: JsonSchemaObject): ResolvedToolInput {
  if (isStandardSchema(input)) {
    const standard = input['~standard'];
    const schema = jsonSchema ?? standard.jsonSchema?.input({ target: 'draft-2020-12' });
    if (schema === undefined) {
      throw new TypeError(`tool ${name}: its ${standard.vendor} schema has no Standard JSON Schema interface; pass the JSON Schema beside it (inputSchema)`);
    }
    return {
      jsonSchema: checkedJsonSchema(name, schema),
      validate: async (value) => {
        const result = await standard.validate(value);
        return result.issues === undefined ? { ok: true, value: result.value } : { ok: false, issues: result.issues.map(issueText) };
      },
    };
  }
  const schema = checkedJsonSchema(name, jsonSchema ?? input);
  return {
    jsonSchema: schema,
    validate: async (value) =>
      typeof value === 'object' && value !== null && !Array.isArray(value) ? { ok: true, value } : { ok: false, issues: ['(root): expected an object of arguments'] },
  };
}

function isStandardSchema(value: unknown): value is StandardToolSchema {
  const standard = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['~standard'] : undefined;
  return typeof standard === 'object' && standard !== null && typeof (standard as Record<string, unknown>)['validate'] === 'function';
}

/** The model calls a function with an object of arguments: its schema must describe one, and be JSON. */
function checkedJsonSchema(name: string, schema: unknown): JsonSchemaObject {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) throw new TypeError(`tool ${name}: the input schema must be a JSON Schema object`);
  const type = (schema as Record<string, unknown>)['type'];
  if (type !== undefined && type !== 'object') throw new TypeError(`tool ${name}: the input schema must describe an object (type "object"), not ${JSON.stringify(type)}`);
  try {
    return JSON.parse(JSON.stringify(schema)) as JsonSchemaObject;
  } catch (error) {
    throw new TypeError(`tool ${name}: the input schema is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

function issueText(issue: { readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }): string {
  const path = (issue.path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');
  return `${path === '' ? '(root)' : path}: ${issue.message}`;
}
