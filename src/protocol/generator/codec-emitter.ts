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
  private readonly codecs: Notation = {
    unknown: 't.unknown',
    never: 't.never',
    scalar: (type) => (type === 'null' ? 't.null' : `t.${type}`),
    array: (item) => (item === undefined ? 't.UnknownArray' : `t.array(${item})`),
    record: (value) => (value === undefined ? 't.UnknownRecord' : `t.record(t.string, ${value})`),
    object: (members) => {
      const member = ({ doc, name, value }: Member): string => `${doc}${JSON.stringify(name)}: ${value}`;
      const mandatory = members.filter((m) => m.required).map(member);
      const optional = members.filter((m) => !m.required).map(member);
      const parts: string[] = [];
      if (mandatory.length > 0) parts.push(`t.type({\n${indent(mandatory.join(',\n'))}\n})`);
      if (optional.length > 0) parts.push(`t.partial({\n${indent(optional.join(',\n'))}\n})`);
      return this.codecs.intersection(parts);
    },
    literal: (value) => (value === null ? 't.null' : `t.literal(${JSON.stringify(value)})`),
    enum: (values) => {
      const strings = values.filter((v): v is string => typeof v === 'string');
      const codecs: string[] = [];
      // t.keyof checks membership with one own-property lookup, cheaper than a union of literals.
      if (strings.length === 1) codecs.push(this.codecs.literal(strings[0]!));
      else if (strings.length > 1) codecs.push(`t.keyof({ ${strings.map((v) => `${JSON.stringify(v)}: null`).join(', ')} })`);
      for (const value of values) if (typeof value !== 'string') codecs.push(this.codecs.literal(value));
      return this.codecs.union(codecs);
    },
    union: (codecs) => {
      const unique = [...new Set(codecs)];
      if (unique.length === 0) return 't.never';
      return unique.length === 1 ? unique[0]! : `t.union([${unique.join(', ')}])`;
    },
    intersection: (codecs) => (codecs.length === 1 ? codecs[0]! : `t.intersection([${codecs.join(', ')}])`),
  };

  private readonly types: Notation = {
    unknown: 'unknown',
    never: 'never',
    scalar: (type) => type,
    array: (item) => `Array<${item ?? 'unknown'}>`,
    record: (value) => `Record<string, ${value ?? 'unknown'}>`,
    object: (members) =>
      `{\n${indent(members.map(({ doc, name, required, value }) => `${doc}${JSON.stringify(name)}${required ? '' : '?'}: ${value};`).join('\n'))}\n}`,
    literal: (value) => JSON.stringify(value),
    enum: (values) => this.types.union(values.map((v) => JSON.stringify(v))),
    union: (types) => join(' | ', types),
    intersection: (types) => join(' & ', types),
  };

  constructor(private readonly resolveRef: RefResolver) {}

  codec(schema: JsonSchema): string {
    return this.emit(schema, this.codecs);
  }

  type(schema: JsonSchema): string {
    return this.emit(schema, this.types);
  }

  /** Spells `schema` in another notation (the validators' predicates), with the same reading of the schema. */
  emitWith(schema: JsonSchema, notation: Notation): string {
    return this.emit(schema, notation);
  }

  private emit(schema: JsonSchema, notation: Notation): string {
    if (typeof schema === 'boolean') return schema ? notation.unknown : notation.never;
    // A node may combine its own shape with allOf/anyOf/oneOf (for example a tagged object whose
    // other members are one of two alternatives): the value must satisfy all of them.
    const parts: string[] = [];
    if (hasOwnShape(schema)) parts.push(this.ownShape(schema, notation));
    if (schema.$ref !== undefined) parts.push(this.resolveRef(schema.$ref));
    if (schema.allOf !== undefined) parts.push(...schema.allOf.map((s) => this.emit(s, notation)));
    const alternatives = schema.oneOf ?? schema.anyOf;
    if (alternatives !== undefined) parts.push(notation.union(alternatives.map((s) => this.emit(s, notation))));
    if (parts.length === 0) return notation.unknown;
    return notation.intersection(parts);
  }

  private ownShape(schema: JsonSchemaObject, notation: Notation): string {
    if (schema.enum !== undefined) return notation.enum(schema.enum);
    if (schema.const !== undefined) return notation.literal(schema.const);
    if (Array.isArray(schema.type)) {
      const types = schema.type as readonly JsonSchemaTypeName[];
      return notation.union(types.map((type) => this.ofType(type, schema, notation)));
    }
    return this.ofType((schema.type as JsonSchemaTypeName | undefined) ?? 'object', schema, notation);
  }

  private ofType(type: JsonSchemaTypeName, schema: JsonSchemaObject, notation: Notation): string {
    switch (type) {
      case 'string':
      case 'boolean':
      case 'null':
        return notation.scalar(type);
      case 'integer':
      case 'number':
        return notation.scalar('number');
      case 'array':
        return notation.array(schema.items === undefined ? undefined : this.emit(schema.items, notation));
      case 'object':
        return this.object(schema, notation);
    }
  }

  private object(schema: JsonSchemaObject, notation: Notation): string {
    const properties = Object.entries(schema.properties ?? {});
    if (properties.length === 0) {
      const extra = schema.additionalProperties;
      return notation.record(extra !== undefined && typeof extra !== 'boolean' ? this.emit(extra, notation) : undefined);
    }
    const required = new Set(schema.required ?? []);
    return notation.object(
      properties.map(([name, value]) => ({ name, doc: docComment(value), required: required.has(name), value: this.emit(value, notation) })),
    );
  }
}

/**
 * A member of an object schema, its value already spelled in the notation at hand.
 *
 * @example
 * const member: Member = { name: 'threadId', doc: '', required: true, value: 't.string' };
 */
export interface Member {
  readonly name: string;
  readonly doc: string;
  readonly required: boolean;
  readonly value: string;
}

/**
 * How one output, io-ts codecs, TypeScript types or predicates, spells each kind of schema node.
 *
 * @example
 * const emitter = new CodecEmitter((ref) => ref.split('/').pop()!);
 * const spell = (notation: Notation) => emitter.emitWith({ type: 'string' }, notation);
 */
export interface Notation {
  readonly unknown: string;
  readonly never: string;
  scalar(type: 'string' | 'number' | 'boolean' | 'null'): string;
  /** `undefined`: an array of anything. */
  array(item: string | undefined): string;
  /** `undefined`: a record of anything. */
  record(value: string | undefined): string;
  object(members: readonly Member[]): string;
  literal(value: string | number | boolean | null): string;
  enum(values: readonly (string | number | boolean | null)[]): string;
  union(parts: readonly string[]): string;
  intersection(parts: readonly string[]): string;
}

/** Types joined by `separator`, once each and parenthesised when more than one. */
function join(separator: string, types: readonly string[]): string {
  const unique = [...new Set(types)];
  if (unique.length === 0) return 'never';
  return unique.length === 1 ? unique[0]! : `(${unique.join(separator)})`;
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
