import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRight } from 'fp-ts/lib/Either.js';
import { ProtocolGenerator } from '../../scripts/protocol/protocol-generator.js';
import { readSchemaBundle } from '../../scripts/protocol/schema-bundle.js';
import {
  clientRequestCodecs,
  serverNotificationCodecs,
  serverRequestCodecs,
} from '../../src/protocol/generated/methods.js';
import { UserInput } from '../../src/protocol/generated/codecs.js';
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
    expect(readFileSync(join(GENERATED_DIR, 'codecs.ts'), 'utf8')).to.contain(`codex-cli ${pinnedVersion}`);
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

  it('writes recursive definitions with t.recursion and an explicit static type', async () => {
    const files = new ProtocolGenerator(bundle as never, 'test-runtime 0.0.0').generate();
    for (const [name, contents] of files) writeFileSync(join(workDir, name), contents);
    expect(files.get('codecs.ts')).to.contain("t.recursion<Node>");
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

  it('fails generation when a method has no response definition', () => {
    const broken = structuredClone(bundle);
    const { TreeResetResponse: _removed, ...rest } = broken.definitions.v2;
    const withoutResponse = { definitions: { ...broken.definitions, v2: rest } };
    expect(() => new ProtocolGenerator(withoutResponse as never, 'x').generate()).to.throw(/no response definition found for method tree\/reset/);
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
