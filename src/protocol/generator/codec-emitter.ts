import type { JsonSchema, JsonSchemaObject, JsonSchemaTypeName } from './json-schema.js';

/**
 * Turns a `$ref` into the identifier of the codec (and static type) it names.
 *
 * @example
 * const byLastSegment: RefResolver = (ref) => ref.split('/').pop()!;
 */
export type RefResolver = (ref: string) => string;

/**
 * Writes io-ts codec expressions (and, for recursive definitions, TypeScript type expressions)
 * for JSON Schema nodes.
 *
 * Decoding is lenient where the wire is: objects use `t.type`/`t.partial`, which keep and ignore
 * extra members, so a newer server adding fields never fails decoding. `additionalProperties:
 * false` is deliberately not enforced for the same reason.
 *
 * @example
 * const emitter = new CodecEmitter((ref) => ref.split('/').pop()!);
 * emitter.codec({ type: ['string', 'null'] }); // 't.union([t.string, t.null])'
 */
export class CodecEmitter {
  constructor(private readonly resolveRef: RefResolver) {}

  codec(schema: JsonSchema): string {
    if (typeof schema === 'boolean') return schema ? 't.unknown' : 't.never';
    // A node may combine its own shape with allOf/anyOf/oneOf (for example a tagged object whose
    // other members are one of two alternatives): the value must satisfy all of them.
    const parts: string[] = [];
    if (hasOwnShape(schema)) parts.push(this.ownCodec(schema));
    if (schema.$ref !== undefined) parts.push(this.resolveRef(schema.$ref));
    if (schema.allOf !== undefined) parts.push(...schema.allOf.map((s) => this.codec(s)));
    const alternatives = schema.oneOf ?? schema.anyOf;
    if (alternatives !== undefined) parts.push(this.union(alternatives.map((s) => this.codec(s))));
    if (parts.length === 0) return 't.unknown';
    return this.combine('t.intersection', parts);
  }

  private ownCodec(schema: JsonSchemaObject): string {
    if (schema.enum !== undefined) return this.enumCodec(schema.enum);
    if (schema.const !== undefined) return this.literal(schema.const);
    if (Array.isArray(schema.type)) {
      const types = schema.type as readonly JsonSchemaTypeName[];
      return this.union(types.map((type) => this.codecOfType(type, schema)));
    }
    if (schema.type !== undefined) return this.codecOfType(schema.type as JsonSchemaTypeName, schema);
    return this.codecOfType('object', schema);
  }

  type(schema: JsonSchema): string {
    if (typeof schema === 'boolean') return schema ? 'unknown' : 'never';
    const parts: string[] = [];
    if (hasOwnShape(schema)) parts.push(this.ownType(schema));
    if (schema.$ref !== undefined) parts.push(this.resolveRef(schema.$ref));
    if (schema.allOf !== undefined) parts.push(...schema.allOf.map((s) => this.type(s)));
    const alternatives = schema.oneOf ?? schema.anyOf;
    if (alternatives !== undefined) parts.push(this.join(' | ', alternatives.map((s) => this.type(s))));
    if (parts.length === 0) return 'unknown';
    return this.join(' & ', parts);
  }

  private ownType(schema: JsonSchemaObject): string {
    if (schema.enum !== undefined) return this.join(' | ', schema.enum.map((v) => JSON.stringify(v)));
    if (schema.const !== undefined) return JSON.stringify(schema.const);
    if (Array.isArray(schema.type)) {
      const types = schema.type as readonly JsonSchemaTypeName[];
      return this.join(' | ', types.map((type) => this.typeOfType(type, schema)));
    }
    if (schema.type !== undefined) return this.typeOfType(schema.type as JsonSchemaTypeName, schema);
    return this.typeOfType('object', schema);
  }

  private codecOfType(type: JsonSchemaTypeName, schema: JsonSchemaObject): string {
    switch (type) {
      case 'string':
        return 't.string';
      case 'integer':
      case 'number':
        return 't.number';
      case 'boolean':
        return 't.boolean';
      case 'null':
        return 't.null';
      case 'array':
        return schema.items === undefined ? 't.UnknownArray' : `t.array(${this.codec(schema.items)})`;
      case 'object':
        return this.objectCodec(schema);
    }
  }

  private typeOfType(type: JsonSchemaTypeName, schema: JsonSchemaObject): string {
    switch (type) {
      case 'string':
        return 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'null':
        return 'null';
      case 'array':
        return schema.items === undefined ? 'Array<unknown>' : `Array<${this.type(schema.items)}>`;
      case 'object':
        return this.objectType(schema);
    }
  }

  private objectCodec(schema: JsonSchemaObject): string {
    const properties = Object.entries(schema.properties ?? {});
    if (properties.length === 0) {
      const extra = schema.additionalProperties;
      if (extra !== undefined && typeof extra !== 'boolean') return `t.record(t.string, ${this.codec(extra)})`;
      return 't.UnknownRecord';
    }
    const required = new Set(schema.required ?? []);
    const member = ([name, value]: [string, JsonSchema]): string =>
      `${docComment(value)}${JSON.stringify(name)}: ${this.codec(value)}`;
    const mandatory = properties.filter(([name]) => required.has(name)).map(member);
    const optional = properties.filter(([name]) => !required.has(name)).map(member);
    const parts: string[] = [];
    if (mandatory.length > 0) parts.push(`t.type({\n${indent(mandatory.join(',\n'))}\n})`);
    if (optional.length > 0) parts.push(`t.partial({\n${indent(optional.join(',\n'))}\n})`);
    return this.combine('t.intersection', parts);
  }

  private objectType(schema: JsonSchemaObject): string {
    const properties = Object.entries(schema.properties ?? {});
    if (properties.length === 0) {
      const extra = schema.additionalProperties;
      if (extra !== undefined && typeof extra !== 'boolean') return `Record<string, ${this.type(extra)}>`;
      return 'Record<string, unknown>';
    }
    const required = new Set(schema.required ?? []);
    const members = properties.map(
      ([name, value]) => `${docComment(value)}${JSON.stringify(name)}${required.has(name) ? '' : '?'}: ${this.type(value)};`,
    );
    return `{\n${indent(members.join('\n'))}\n}`;
  }

  private enumCodec(values: readonly (string | number | boolean | null)[]): string {
    const strings = values.filter((v): v is string => typeof v === 'string');
    const others = values.filter((v) => typeof v !== 'string');
    const codecs: string[] = [];
    // t.keyof checks membership with one own-property lookup, cheaper than a union of literals.
    if (strings.length === 1) codecs.push(this.literal(strings[0]!));
    else if (strings.length > 1) codecs.push(`t.keyof({ ${strings.map((s) => `${JSON.stringify(s)}: null`).join(', ')} })`);
    for (const value of others) codecs.push(value === null ? 't.null' : this.literal(value));
    return this.union(codecs);
  }

  private literal(value: string | number | boolean | null): string {
    return value === null ? 't.null' : `t.literal(${JSON.stringify(value)})`;
  }

  private union(codecs: readonly string[]): string {
    const unique = [...new Set(codecs)];
    if (unique.length === 0) return 't.never';
    if (unique.length === 1) return unique[0]!;
    return `t.union([${unique.join(', ')}])`;
  }

  private combine(combinator: string, codecs: readonly string[]): string {
    if (codecs.length === 1) return codecs[0]!;
    return `${combinator}([${codecs.join(', ')}])`;
  }

  private join(separator: string, types: readonly string[]): string {
    const unique = [...new Set(types)];
    if (unique.length === 0) return 'never';
    return unique.length === 1 ? unique[0]! : `(${unique.join(separator)})`;
  }
}

/** Whether a node constrains the value by itself, beside any $ref or combinator. */
function hasOwnShape(schema: JsonSchemaObject): boolean {
  return (
    schema.type !== undefined ||
    schema.enum !== undefined ||
    schema.const !== undefined ||
    schema.properties !== undefined ||
    schema.items !== undefined ||
    (schema.additionalProperties !== undefined && typeof schema.additionalProperties !== 'boolean')
  );
}

/**
 * A JSDoc block for a schema's description, or nothing.
 *
 * @example
 * docComment({ description: 'The thread id.' }); // '/**\n * The thread id.\n *\/\n'
 */
export function docComment(schema: JsonSchema): string {
  if (typeof schema === 'boolean' || !schema.description) return '';
  const lines = schema.description.replace(/\*\//g, '*\\/').split('\n');
  return `/**\n${lines.map((line) => ` * ${line}`.trimEnd()).join('\n')}\n */\n`;
}

/**
 * Indents every non-empty line by two spaces.
 *
 * @example
 * indent('a: 1,\nb: 2'); // '  a: 1,\n  b: 2'
 */
export function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.length > 0 ? `  ${line}` : line))
    .join('\n');
}
