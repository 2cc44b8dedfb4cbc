/**
 * The subset of JSON Schema draft-07 that the app-server's schema bundle uses.
 *
 * @example
 * const node: JsonSchemaObject = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };
 */
export interface JsonSchemaObject {
  readonly $ref?: string;
  readonly $schema?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: JsonSchemaTypeName | readonly JsonSchemaTypeName[];
  readonly enum?: readonly (string | number | boolean | null)[];
  readonly const?: string | number | boolean | null;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: JsonSchema;
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
  readonly default?: unknown;
  readonly format?: string;
  readonly minimum?: number;
  readonly minLength?: number;
}

/**
 * The primitive type names of JSON Schema.
 *
 * @example
 * const nullable: JsonSchemaTypeName[] = ['string', 'null'];
 */
export type JsonSchemaTypeName = 'string' | 'integer' | 'number' | 'boolean' | 'null' | 'array' | 'object';

/**
 * `true` accepts anything, `false` nothing; an object constrains.
 *
 * @example
 * const anything: JsonSchema = true;
 */
export type JsonSchema = boolean | JsonSchemaObject;
