import { expect } from 'chai';
import * as t from 'io-ts';
import { z } from 'zod';
import { checkStrictJsonSchema } from '../../src/schema/check-strict-json-schema.js';
import { formatSchemaIssues } from '../../src/schema/format-schema-issues.js';
import { resolveSchema } from '../../src/schema/resolve-schema.js';
import { SchemaError } from '../../src/schema/schema-error.js';
import { strictJsonSchemaViolations } from '../../src/schema/strict-json-schema-violations.js';

const reviewJsonSchema = {
  type: 'object',
  properties: { verdict: { type: 'string', enum: ['approve', 'reject'] }, line: { type: 'integer' } },
  required: ['verdict', 'line'],
  additionalProperties: false,
} as const;

describe('resolveSchema', () => {
  it('takes zod 4: validation from ~standard, the JSON Schema from output(), which keeps additionalProperties: false', async () => {
    const Review = z.object({ verdict: z.enum(['approve', 'reject']), findings: z.array(z.object({ line: z.number() })) });
    const resolved = resolveSchema(Review);
    expect(resolved.vendor).to.equal('zod');
    expect(resolved.jsonSchema['additionalProperties']).to.equal(false);
    expect((resolved.jsonSchema as any).properties.findings.items.additionalProperties).to.equal(false);
    // The reason output() is used: input() leaves objects open, which strict mode refuses.
    const input = (Review['~standard'] as any).jsonSchema.input({ target: 'draft-2020-12' });
    expect(input.additionalProperties).to.equal(undefined);
    expect(strictJsonSchemaViolations(input)).to.not.be.empty;
    expect(strictJsonSchemaViolations(resolved.jsonSchema)).to.deep.equal([]);
    expect(await resolved.validate({ verdict: 'approve', findings: [{ line: 3 }] })).to.deep.equal({ value: { verdict: 'approve', findings: [{ line: 3 }] } });
    const bad = await resolved.validate({ verdict: 'maybe', findings: [{ line: 'x' }] });
    expect(bad.issues?.map((issue) => issue.path)).to.deep.equal([['verdict'], ['findings', 0, 'line']]);
    expect(formatSchemaIssues(bad.issues!)).to.match(/^\$\.verdict: .+\n\$\.findings\[0\]\.line: /);
  });

  it('takes an io-ts codec beside a JSON Schema, with the paths of its errors', async () => {
    const resolved = resolveSchema({ schema: t.type({ verdict: t.keyof({ approve: null, reject: null }), line: t.number }), jsonSchema: reviewJsonSchema });
    expect(resolved.vendor).to.equal('io-ts');
    expect(resolved.jsonSchema).to.equal(reviewJsonSchema);
    expect(await resolved.validate({ verdict: 'reject', line: 1 })).to.deep.equal({ value: { verdict: 'reject', line: 1 } });
    const bad = await resolved.validate({ verdict: 'reject', line: 'one' });
    expect(bad.issues).to.have.length(1);
    expect(bad.issues![0]!.path).to.deep.equal(['line']);
  });

  it('takes any Standard Schema beside a JSON Schema (a hand-written validator stands for valibot and the like)', async () => {
    const positive = {
      '~standard': {
        version: 1 as const,
        vendor: 'hand',
        validate: (value: unknown) => (typeof value === 'number' && value > 0 ? { value } : { issues: [{ message: 'not positive', path: [{ key: 'n' }] }] }),
      },
    };
    const resolved = resolveSchema({ schema: positive, jsonSchema: { type: 'number' } });
    expect(resolved.vendor).to.equal('hand');
    expect(await resolved.validate(2)).to.deep.equal({ value: 2 });
    expect(await resolved.validate(-1)).to.deep.equal({ issues: [{ message: 'not positive', path: ['n'] }] });
  });

  it('takes a raw JSON Schema as given, and passes values through', async () => {
    const resolved = resolveSchema(reviewJsonSchema);
    expect(resolved.vendor).to.equal('json-schema');
    expect(resolved.jsonSchema).to.equal(reviewJsonSchema);
    expect(await resolved.validate({ anything: 1 })).to.deep.equal({ value: { anything: 1 } });
  });

  it('refuses what is not a schema, and a Standard Schema with no JSON Schema, with a SchemaError', () => {
    for (const bad of [null, 'schema', 3, [1]]) expect(() => resolveSchema(bad as never)).to.throw(SchemaError);
    const noJson = { '~standard': { version: 1, vendor: 'valibot', validate: () => ({ value: 1 }) } };
    expect(() => resolveSchema(noJson as never)).to.throw(SchemaError, /valibot validator has no Standard JSON Schema.*\{ schema, jsonSchema \}/);
    expect(() => resolveSchema({ schema: {}, jsonSchema: {} } as never)).to.throw(SchemaError, /Standard Schema validator or an io-ts codec/);
    // zod cannot express a transform in JSON Schema: its throw becomes a SchemaError.
    expect(() => resolveSchema(z.object({ n: z.string().transform((s) => s.length) }))).to.throw(SchemaError, /zod could not give its JSON Schema/);
  });

  it('turns a validator that throws into an issue', async () => {
    const throwing = { '~standard': { version: 1 as const, vendor: 'x', validate: () => { throw new Error('boom'); } } };
    expect(await resolveSchema({ schema: throwing, jsonSchema: { type: 'object' } }).validate(1)).to.deep.equal({
      issues: [{ message: 'the validator threw: boom', path: [] }],
    });
  });
});

describe('checkStrictJsonSchema', () => {
  const paths = (schema: unknown): string[] => strictJsonSchemaViolations(schema).map((v) => v.path);

  it('accepts a strict schema, with nullable fields, anyOf, $defs and a recursive $ref', () => {
    const schema = {
      type: 'object',
      properties: {
        note: { type: ['string', 'null'] },
        kind: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'number', minimum: 0 }] },
        tree: { $ref: '#/$defs/node' },
      },
      required: ['note', 'kind', 'tree'],
      additionalProperties: false,
      $defs: { node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['children'], additionalProperties: false } },
    };
    expect(checkStrictJsonSchema(schema)).to.equal(schema);
  });

  it('names every object without additionalProperties: false and every property missing from required', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string' }, inner: { type: 'array', items: { type: 'object', properties: { b: { type: 'number' } }, required: [] } } },
      required: ['inner'],
    };
    expect(paths(schema)).to.deep.equal(['$', '$.properties.a', '$.properties.inner.items', '$.properties.inner.items.properties.b']);
    expect(() => checkStrictJsonSchema(schema)).to.throw(SchemaError, /strict mode would refuse/);
  });

  it('names unsupported keywords, types and formats, tuples, open records and a root that is not an object', () => {
    const schema = {
      type: 'object',
      properties: {
        s: { type: 'string', minLength: 1, format: 'uri' },
        d: { type: 'string', default: 'x' },
        all: { allOf: [{ type: 'string' }] },
        tuple: { type: 'array', items: [{ type: 'string' }] },
        record: { type: 'object', additionalProperties: { type: 'string' } },
        weird: { type: 'text' },
        untyped: {},
      },
      required: ['s', 'd', 'all', 'tuple', 'record', 'weird', 'untyped'],
      additionalProperties: false,
    };
    expect(paths(schema)).to.deep.equal([
      '$.properties.s.minLength',
      '$.properties.s.format',
      '$.properties.d.default',
      '$.properties.all.allOf',
      '$.properties.all',
      '$.properties.tuple.items',
      '$.properties.record',
      '$.properties.weird.type',
      '$.properties.untyped',
    ]);
    expect(paths({ anyOf: [{ type: 'object', properties: {}, required: [], additionalProperties: false }] })).to.include('$');
    expect(paths({ type: 'string' })).to.deep.equal(['$']);
    expect(paths(true)).to.deep.equal(['$']);
  });

  it('refuses a $ref that leaves the schema, and the zod schema with an optional field', () => {
    expect(paths({ type: 'object', properties: { a: { $ref: 'https://example.com/s.json' } }, required: ['a'], additionalProperties: false })).to.deep.equal([
      '$.properties.a.$ref',
    ]);
    const error = catchError(() => checkStrictJsonSchema(resolveSchema(z.object({ a: z.string(), b: z.string().optional() })).jsonSchema));
    expect(error).to.be.instanceOf(SchemaError);
    expect((error as SchemaError).violations).to.deep.equal([
      { path: '$.properties.b', message: 'property "b" is not in required: strict mode needs every property required (make an optional one nullable)' },
    ]);
  });

  it('counts nesting, properties and enum values against the limits', () => {
    let deep: Record<string, unknown> = { type: 'string' };
    for (let level = 0; level < 11; level += 1) deep = { type: 'object', properties: { x: deep }, required: ['x'], additionalProperties: false };
    expect(strictJsonSchemaViolations(deep).map((v) => v.message)).to.include('objects nest deeper than 10 levels');
    const wide = { type: 'object', properties: { e: { type: 'string', enum: Array.from({ length: 1001 }, (_, i) => `v${i}`) } }, required: ['e'], additionalProperties: false };
    expect(strictJsonSchemaViolations(wide).map((v) => v.message)).to.deep.equal(['the schema has 1001 enum values; strict mode allows 1000']);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
