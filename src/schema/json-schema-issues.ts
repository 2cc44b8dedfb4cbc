import type { SchemaIssue } from './schema-issue.js';

type Path = (string | number)[];
type Node = Record<string, unknown>;

/**
 * Where a JSON value breaks a JSON Schema, for the keywords strict structured output allows:
 * `type`, `properties`, `required`, `additionalProperties`, `items`, `enum`, `const`, `anyOf`,
 * local `$ref`, the number bounds and `multipleOf`, `minItems`/`maxItems` and `pattern` (`format`
 * is not checked). Other keywords are ignored: `checkStrictJsonSchema` reports them. Empty when
 * the value follows the schema.
 *
 * @example
 * const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
 * jsonSchemaIssues(schema, { ok: 'yes' }); // [{ message: 'expected boolean, got string', path: ['ok'] }]
 */
export function jsonSchemaIssues(schema: unknown, value: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  check(schema, value, [], schema, issues, 0);
  return issues;
}

function check(schema: unknown, value: unknown, path: Path, root: unknown, issues: SchemaIssue[], depth: number): void {
  if (schema === true || schema === undefined) return;
  if (schema === false) return void issues.push({ message: 'no value is allowed here', path });
  if (!isObject(schema)) return;
  if (depth > 200) return void issues.push({ message: 'the schema nests too deep ($ref loop?)', path });
  const report = (message: string, at: Path = path): void => void issues.push({ message, path: at });

  if (typeof schema['$ref'] === 'string') {
    const target = resolve(root, schema['$ref']);
    if (target === undefined) report(`$ref ${schema['$ref']} does not resolve`);
    else check(target, value, path, root, issues, depth + 1);
  }
  if (Array.isArray(schema['anyOf'])) {
    const matches = schema['anyOf'].some((branch) => jsonSchemaIssuesAt(branch, value, root, depth + 1).length === 0);
    if (!matches) report('matches none of anyOf');
  }
  const type = schema['type'];
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    const actual = typeOf(value);
    const ok = types.some((each) => each === actual || (each === 'number' && actual === 'integer'));
    if (!ok) return report(`expected ${types.join(' or ')}, got ${actual}`);
  }
  if (Array.isArray(schema['enum']) && !schema['enum'].some((option) => same(option, value))) report(`expected one of ${JSON.stringify(schema['enum']).slice(0, 200)}`);
  if ('const' in schema && !same(schema['const'], value)) report(`expected ${JSON.stringify(schema['const']).slice(0, 200)}`);

  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) report(`expected at least ${schema['minimum']}`);
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) report(`expected at most ${schema['maximum']}`);
    if (typeof schema['exclusiveMinimum'] === 'number' && value <= schema['exclusiveMinimum']) report(`expected more than ${schema['exclusiveMinimum']}`);
    if (typeof schema['exclusiveMaximum'] === 'number' && value >= schema['exclusiveMaximum']) report(`expected less than ${schema['exclusiveMaximum']}`);
    if (typeof schema['multipleOf'] === 'number' && schema['multipleOf'] > 0 && !Number.isInteger(value / schema['multipleOf'])) report(`expected a multiple of ${schema['multipleOf']}`);
  }
  if (typeof value === 'string' && typeof schema['pattern'] === 'string') {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(schema['pattern'], 'u');
    } catch {
      pattern = undefined;
    }
    if (pattern !== undefined && !pattern.test(value)) report(`expected to match ${schema['pattern']}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems']) report(`expected at least ${schema['minItems']} items`);
    if (typeof schema['maxItems'] === 'number' && value.length > schema['maxItems']) report(`expected at most ${schema['maxItems']} items`);
    if (isObject(schema['items'])) value.forEach((item, index) => check(schema['items'], item, [...path, index], root, issues, depth + 1));
  }
  if (isObject(value)) {
    const properties = isObject(schema['properties']) ? schema['properties'] : {};
    if (Array.isArray(schema['required'])) {
      for (const name of schema['required']) if (typeof name === 'string' && !Object.hasOwn(value, name)) report('required', [...path, name]);
    }
    for (const [name, item] of Object.entries(value)) {
      if (Object.hasOwn(properties, name)) check(properties[name], item, [...path, name], root, issues, depth + 1);
      else if (schema['additionalProperties'] === false) report(`unknown key "${name}"`, [...path, name]);
      else if (isObject(schema['additionalProperties'])) check(schema['additionalProperties'], item, [...path, name], root, issues, depth + 1);
    }
  }
}

function jsonSchemaIssuesAt(schema: unknown, value: unknown, root: unknown, depth: number): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  check(schema, value, [], root, issues, depth);
  return issues;
}

function resolve(root: unknown, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return keysA.length === keysB.length && keysA.every((key) => Object.hasOwn(b, key) && same((a as Node)[key], (b as Node)[key]));
}

function isObject(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
