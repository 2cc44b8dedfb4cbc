/**
 * A JSON Schema as a plain object (the model's side of a schema). The `~standard` key is excluded
 * so that a Standard Schema validator without a JSON Schema is not mistaken for one.
 *
 * @example
 * const schema: JsonSchemaObject = {
 *   type: 'object',
 *   properties: { verdict: { type: 'string', enum: ['approve', 'reject'] } },
 *   required: ['verdict'],
 *   additionalProperties: false,
 * };
 */
export interface JsonSchemaObject {
  readonly '~standard'?: never;
  readonly [keyword: string]: unknown;
}
