import { jsonPath } from './json-path.js';
import type { SchemaViolation } from './schema-error.js';

/**
 * Keywords strict structured output accepts. Anything else is refused by the server (composition
 * such as `allOf`/`not`/`if`, length and property-count limits, `patternProperties`, `default`,
 * tuples, …), so it is reported instead of being sent.
 */
const ALLOWED = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'anyOf',
  '$ref', '$defs', 'definitions',
  'description', 'title', '$schema', '$id', '$comment',
  'pattern', 'format',
  'multipleOf', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minItems', 'maxItems',
]);
const TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const FORMATS = new Set(['date-time', 'time', 'date', 'duration', 'email', 'hostname', 'ipv4', 'ipv6', 'uuid']);
const MAX_DEPTH = 10;
const MAX_PROPERTIES = 5000;
const MAX_ENUM_VALUES = 1000;

type Path = (string | number)[];

/**
 * What the server's strict structured-output mode would refuse in a JSON Schema, each with the
 * JSON path of the place in the schema. Empty when the schema is fine.
 *
 * The rules (OpenAI strict mode, which `turn/start.outputSchema` always uses): the root is an
 * object schema (not `anyOf`); every object sets `additionalProperties: false` and lists every
 * property in `required` (an optional field is a nullable one: `type: ['string', 'null']`); only
 * the keywords above, types from the JSON Schema set and the listed string formats; `$ref` points
 * inside the schema (`#`, `#/$defs/…`, `#/definitions/…`); at most 10 levels of object nesting,
 * 5,000 properties and 1,000 enum values.
 *
 * @example
 * strictJsonSchemaViolations({ type: 'object', properties: { a: { type: 'string' } } });
 * // [{ path: '$', message: 'additionalProperties must be false …' }, { path: '$.properties.a', message: 'property "a" is not in required …' }]
 */
export function strictJsonSchemaViolations(root: unknown): SchemaViolation[] {
  const violations: SchemaViolation[] = [];
  const report = (path: Path, message: string): void => void violations.push({ path: jsonPath(path), message });
  let properties = 0;
  let enumValues = 0;

  if (!isObject(root)) {
    report([], 'the root must be a JSON Schema object');
    return violations;
  }
  if (root['type'] !== 'object') report([], `the root must be an object schema (type: "object")${'anyOf' in root ? ', not anyOf' : ''}`);

  const visit = (node: unknown, path: Path, depth: number): void => {
    if (!isObject(node)) {
      report(path, `expected a schema object, got ${node === true || node === false ? `the boolean schema ${String(node)}` : typeof node}`);
      return;
    }
    for (const keyword of Object.keys(node)) {
      if (!ALLOWED.has(keyword)) report([...path, keyword], `keyword "${keyword}" is not supported in strict mode`);
    }
    const type = node['type'];
    const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
    for (const each of types) if (typeof each !== 'string' || !TYPES.has(each)) report([...path, 'type'], `unknown type ${JSON.stringify(each)}`);
    if (type === undefined && !('anyOf' in node) && !('$ref' in node) && !('enum' in node) && !('const' in node)) {
      report(path, 'a schema must say its type (or be anyOf, enum, const or $ref)');
    }
    if (typeof node['format'] === 'string' && !FORMATS.has(node['format'])) {
      report([...path, 'format'], `format "${node['format']}" is not supported (${[...FORMATS].join(', ')})`);
    }
    if (Array.isArray(node['enum'])) enumValues += node['enum'].length;

    const isObjectSchema = types.includes('object') || 'properties' in node;
    if (isObjectSchema) {
      if (depth + 1 > MAX_DEPTH) report(path, `objects nest deeper than ${MAX_DEPTH} levels`);
      if (node['additionalProperties'] !== false) {
        report(path, 'additionalProperties must be false on every object');
      }
      const props = node['properties'] ?? {};
      const required = node['required'] ?? [];
      if (!isObject(props)) report([...path, 'properties'], 'properties must be an object');
      if (!Array.isArray(required)) report([...path, 'required'], 'required must be an array');
      if (isObject(props) && Array.isArray(required)) {
        const listed = new Set(required);
        for (const [name, schema] of Object.entries(props)) {
          properties += 1;
          if (!listed.has(name)) {
            report([...path, 'properties', name], `property "${name}" is not in required: strict mode needs every property required (make an optional one nullable)`);
          }
          visit(schema, [...path, 'properties', name], depth + 1);
        }
        for (const name of required) if (typeof name !== 'string' || !(name in props)) report([...path, 'required'], `required names ${JSON.stringify(name)}, which is not a property`);
      }
    } else if (node['additionalProperties'] !== undefined && node['additionalProperties'] !== false) {
      report([...path, 'additionalProperties'], 'additionalProperties must be false');
    }
    if ('items' in node) {
      if (Array.isArray(node['items'])) report([...path, 'items'], 'tuples (items as an array) are not supported');
      else visit(node['items'], [...path, 'items'], depth);
    }
    if ('anyOf' in node) {
      const branches = node['anyOf'];
      if (!Array.isArray(branches) || branches.length === 0) report([...path, 'anyOf'], 'anyOf must be a non-empty array');
      else branches.forEach((branch, index) => visit(branch, [...path, 'anyOf', index], depth));
    }
    if ('$ref' in node) {
      const ref = node['$ref'];
      if (typeof ref !== 'string' || !resolves(root, ref)) report([...path, '$ref'], `$ref ${JSON.stringify(ref)} does not point inside this schema`);
    }
    for (const container of ['$defs', 'definitions'] as const) {
      const defs = node[container];
      if (defs === undefined) continue;
      if (!isObject(defs)) report([...path, container], `${container} must be an object`);
      else for (const [name, schema] of Object.entries(defs)) visit(schema, [...path, container, name], depth);
    }
  };

  visit(root, [], 0);
  if (properties > MAX_PROPERTIES) report([], `the schema has ${properties} properties; strict mode allows ${MAX_PROPERTIES}`);
  if (enumValues > MAX_ENUM_VALUES) report([], `the schema has ${enumValues} enum values; strict mode allows ${MAX_ENUM_VALUES}`);
  return violations;
}

/** Whether a local `$ref` (`#` or a JSON pointer from the root) names a schema in it. */
function resolves(root: Record<string, unknown>, ref: string): boolean {
  if (ref === '#') return true;
  if (!ref.startsWith('#/')) return false;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) || !(key in node)) return false;
    node = node[key];
  }
  return isObject(node);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
