import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRight } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { assertNoRefinements, ProtocolGenerator } from '../../src/protocol/generator/protocol-generator.js';
import { readSchemaBundle } from '../../src/protocol/generator/schema-bundle.js';
import {
  clientRequestCodecs,
  serverNotificationCodecs,
  serverRequestCodecs,
} from '../../src/protocol/generated/methods.js';
import * as codecs from '../../src/protocol/generated/codecs.js';
import { UserInput } from '../../src/protocol/generated/codecs.js';
import { generatedFrom } from '../../src/protocol/generated/generated-from.js';
import { resolveCodexBinary } from '../../src/transport/codex-binary.js';

const GENERATED_DIR = join(import.meta.dirname, '../../src/protocol/generated');

describe('generated protocol', function () {
  this.timeout(60_000);

  it('matches what the pinned runtime generates today', () => {
    const { bundle, runtimeVersion } = readSchemaBundle(resolveCodexBinary());
    const files = new ProtocolGenerator(bundle, runtimeVersion).generate();
    const committed = readdirSync(GENERATED_DIR).sort();
    expect(committed).to.deep.equal([...files.keys()].sort());
    for (const [name, contents] of files) {
      // A plain equality keeps the failure message short; the file name says where to look.
      expect(readFileSync(join(GENERATED_DIR, name), 'utf8') === contents, `${name} differs: run npm run generate:protocol`).to.equal(true);
    }
  });

  it('has every method of the pinned protocol', () => {
    const pinnedVersion = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')).optionalDependencies['@openai/codex'];
    expect(generatedFrom).to.deep.equal({ runtime: `codex-cli ${pinnedVersion}`, version: pinnedVersion });
    expect(Object.keys(clientRequestCodecs).length).to.be.greaterThan(100);
    expect(Object.keys(serverNotificationCodecs).length).to.be.greaterThan(80);
    expect(Object.keys(serverRequestCodecs)).to.include.members([
      'item/commandExecution/requestApproval',
      'item/fileChange/requestApproval',
      'item/tool/requestUserInput',
      'item/permissions/requestApproval',
      'mcpServer/elicitation/request',
    ]);
    expect(clientRequestCodecs['thread/start'].result.name).to.not.equal('undefined');
    // The schema gives it no response type; the table names the shape the server answers.
    expect(clientRequestCodecs['modelProvider/default/set'].result).to.equal(codecs.ConfigWriteResponse);
  });

  it('builds each codec on first use, then calls the built codec directly', () => {
    const codec = codecs.ThreadTokenUsage as t.Type<unknown> & Partial<t.RecursiveType<t.Any>>;
    expect(codec).to.be.instanceOf(t.RecursiveType);
    codec.is({});
    const built = codec.type!;
    expect(built).to.not.be.instanceOf(t.RecursiveType);
    expect(codec.is).to.equal(built.is);
    expect(codec.validate).to.equal(built.validate);
  });

  it('has no codec that refines (is() and decode() agree on every codec)', () => {
    const refining: string[] = [];
    const seen = new Set<unknown>();
    const visit = (codec: unknown, path: string): void => {
      if (codec === null || typeof codec !== 'object' || seen.has(codec)) return;
      seen.add(codec);
      if (codec instanceof t.RecursiveType) return visit(codec.type, path);
      if (codec instanceof t.RefinementType || codec instanceof t.ExactType || codec instanceof t.StrictType) refining.push(path);
      const inner = codec as { props?: Record<string, unknown>; types?: unknown[]; type?: unknown; codomain?: unknown };
      for (const [key, value] of Object.entries(inner.props ?? {})) visit(value, `${path}.${key}`);
      (inner.types ?? []).forEach((member, index) => visit(member, `${path}[${index}]`));
      visit(inner.type, `${path}[]`);
      visit(inner.codomain, `${path}{}`);
    };
    for (const [name, codec] of Object.entries(codecs)) visit(codec, name);
    expect(seen.size).to.be.greaterThan(2000);
    expect(refining).to.deep.equal([]);
  });

  it('keeps extra wire fields and accepts missing optional ones', () => {
    const wire = {
      threadId: 'thr_1',
      turnId: 'turn_1',
      itemId: 'item_1',
      delta: 'Hel',
      aFieldFromANewerServer: { nested: true },
    };
    const decoded = serverNotificationCodecs['item/agentMessage/delta'].decode(wire);
    expect(isRight(decoded)).to.equal(true);
    if (isRight(decoded)) expect(decoded.right).to.have.property('aFieldFromANewerServer');
    expect(isRight(serverNotificationCodecs['item/agentMessage/delta'].decode({ threadId: 'thr_1' }))).to.equal(false);
  });

  it('combines a node\'s own shape with its alternatives (a tagged object that is also one of two shapes)', () => {
    expect(UserInput.is({ type: 'image', url: 'https://example.test/a.png' })).to.equal(true);
    expect(UserInput.is({ type: 'image', fileId: 'file_1', detail: null })).to.equal(true);
    expect(UserInput.is({ type: 'image' })).to.equal(false);
    expect(UserInput.is({ url: 'https://example.test/a.png' })).to.equal(false);
  });
});

describe('protocol generator', () => {
  let workDir: string;
  before(() => {
    // Inside the repository, so that the generated module resolves io-ts from node_modules.
    mkdirSync(join(import.meta.dirname, '../.tmp'), { recursive: true });
    workDir = mkdtempSync(join(import.meta.dirname, '../.tmp/generator-'));
  });
  after(() => rmSync(workDir, { recursive: true, force: true }));

  const bundle = {
    definitions: {
      ClientRequest: {
        oneOf: [
          { properties: { id: { type: 'integer' }, method: { enum: ['tree/get'] }, params: { $ref: '#/definitions/v2/TreeGetParams' } } },
          { properties: { id: { type: 'integer' }, method: { enum: ['tree/reset'] }, params: { type: 'null' } } },
        ],
      },
      ServerNotification: { oneOf: [{ properties: { method: { enum: ['tree/changed'] }, params: { $ref: '#/definitions/v2/Node' } } }] },
      ServerRequest: { oneOf: [] },
      ClientNotification: { oneOf: [{ properties: { method: { enum: ['initialized'] } } }] },
      v2: {
        TreeGetParams: { type: 'object', properties: { depth: { type: ['integer', 'null'] } } },
        TreeGetResponse: { type: 'object', properties: { root: { $ref: '#/definitions/v2/Node' } }, required: ['root'] },
        TreeResetResponse: { type: 'object' },
        Node: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            kind: { enum: ['leaf', 'branch'], type: 'string' },
            children: { type: 'array', items: { $ref: '#/definitions/v2/Node' } },
          },
          required: ['name'],
        },
      },
    },
  };

  it('writes recursive definitions as lazy codecs with an explicit static type', async () => {
    const files = new ProtocolGenerator(bundle as never, 'test-runtime 0.0.0').generate();
    for (const [name, contents] of files) writeFileSync(join(workDir, name), contents);
    expect(files.get('codecs.ts')).to.contain('export const Node: t.Type<Node> = lazy<t.Type<Node>>("Node"');
    const codecs = (await import(join(workDir, 'codecs.ts'))) as Record<string, { decode(u: unknown): unknown; is(u: unknown): boolean }>;
    const tree = { name: 'root', kind: 'branch', children: [{ name: 'a', children: [{ name: 'b', kind: 'leaf' }] }] };
    expect(codecs['Node']!.is(tree)).to.equal(true);
    expect(codecs['Node']!.is({ name: 'root', children: [{ kind: 'leaf' }] })).to.equal(false);
    expect(codecs['Node']!.is({ name: 'root', kind: 'tree' })).to.equal(false);
  });

  it('maps methods to params and responses, including methods without params', async () => {
    const files = new ProtocolGenerator(bundle as never, 'test-runtime 0.0.0').generate();
    const methods = files.get('methods.ts')!;
    expect(methods).to.contain('"tree/get": { params: c.TreeGetParams, result: c.TreeGetResponse }');
    expect(methods).to.contain('"tree/reset": { params: t.union([t.null, t.undefined]), result: c.TreeResetResponse }');
    expect(methods).to.contain('"tree/changed": c.Node');
  });

  it('types the result of a method without a response definition as unknown, and reports it', async () => {
    const broken = structuredClone(bundle);
    const { TreeResetResponse: _removed, ...rest } = broken.definitions.v2;
    const generator = new ProtocolGenerator({ definitions: { ...broken.definitions, v2: rest } } as never, 'test-runtime 0.0.0');
    const files = generator.generate();
    expect(generator.report()).to.deep.equal([
      'tree/reset: no response definition (tried TreeResetResponse); its result is typed unknown',
    ]);
    const methods = files.get('methods.ts')!;
    expect(methods).to.contain('"tree/reset": { params: t.union([t.null, t.undefined]), result: t.unknown }');
    expect(methods).to.contain('"tree/reset": { params: null | undefined; result: unknown }');
    const dir = mkdtempSync(join(workDir, 'degraded-'));
    for (const [name, contents] of files) writeFileSync(join(dir, name), contents);
    const { clientRequestCodecs: loaded } = (await import(join(dir, 'methods.ts'))) as {
      clientRequestCodecs: Record<string, { result: t.Mixed }>;
    };
    expect(loaded['tree/reset']!.result.is({ anything: 1 })).to.equal(true);
    expect(loaded['tree/get']!.result.is({ anything: 1 })).to.equal(false);
  });

  it('reports nothing when every response resolves', () => {
    const generator = new ProtocolGenerator(bundle as never, 'test-runtime 0.0.0');
    generator.generate();
    expect(generator.report()).to.deep.equal([]);
  });

  it('still fails where the output would be wrong: an unresolved $ref', () => {
    const broken = structuredClone(bundle) as { definitions: Record<string, unknown> & { v2: Record<string, unknown> } };
    broken.definitions.v2['TreeGetResponse'] = { type: 'object', properties: { root: { $ref: '#/definitions/v2/Missing' } } };
    expect(() => new ProtocolGenerator(broken as never, 'x').generate()).to.throw(/unresolved \$ref #\/definitions\/v2\/Missing/);
  });

  it('records the runtime version as data', async () => {
    const files = new ProtocolGenerator(bundle as never, 'test-runtime 1.2.3-alpha.4').generate();
    const dir = mkdtempSync(join(workDir, 'version-'));
    writeFileSync(join(dir, 'generated-from.ts'), files.get('generated-from.ts')!);
    const loaded = (await import(join(dir, 'generated-from.ts'))) as { generatedFrom: unknown };
    expect(loaded.generatedFrom).to.deep.equal({ runtime: 'test-runtime 1.2.3-alpha.4', version: '1.2.3-alpha.4' });
  });

  it('refuses codecs that refine', () => {
    expect(() => assertNoRefinements('export const Port = lazy("Port", () => t.refinement(t.number, (n) => n > 0));')).to.throw(
      /t\.refinement, which may refine/,
    );
    expect(() => assertNoRefinements('export const Count = lazy("Count", () => t.Int);')).to.throw(/t\.Int/);
    expect(() => assertNoRefinements('export const Name = lazy("Name", () => t.union([t.string, t.null]));')).to.not.throw();
  });
});

describe('schema bundle reader', () => {
  it('reads the bundle of the pinned runtime', function () {
    this.timeout(30_000);
    const { bundle, runtimeVersion } = readSchemaBundle(resolveCodexBinary());
    expect(runtimeVersion).to.match(/^codex-cli \d+\.\d+\.\d+/);
    expect(Object.keys((bundle.definitions as Record<string, object>)['v2'] ?? {}).length).to.be.greaterThan(700);
  });
});
