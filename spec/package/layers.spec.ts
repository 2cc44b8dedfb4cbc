import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPCRUISE = join(REPO_ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface CruiseOutcome {
  readonly code: number;
  readonly output: string;
}

/** Runs the project's dependency rules over the `src/` of `root`. */
function cruise(root: string): Promise<CruiseOutcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [DEPCRUISE, 'src', '--config', join(REPO_ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err'],
      { cwd: root },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code ?? 1), output: `${stdout}${stderr}` }),
    );
  });
}

// The rules are checked against small trees written for each case, so a spec shows both sides: the
// tree that follows the layer order passes, and one wrong-way import or cycle fails it.
describe('layer rules (dependency-cruiser)', function () {
  this.timeout(60_000);

  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'codex-rx-layers-'));
    await cp(join(REPO_ROOT, 'tsconfig.json'), join(root, 'tsconfig.json'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function write(files: Readonly<Record<string, string>>): Promise<void> {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
  }

  it('passes a tree whose imports go downward', async () => {
    await write({
      'src/jsonrpc/message.ts': 'export type Message = { id: number };\n',
      'src/internal/helper.ts': 'export const helper = 1;\n',
      'src/client/codex.ts': "import type { Message } from '../jsonrpc/message.js';\nimport { helper } from '../internal/helper.js';\nexport const m: Message = { id: helper };\n",
      'src/index.ts': "export { m } from './client/codex.js';\n",
    });

    const outcome = await cruise(root);

    expect(outcome.code, outcome.output).to.equal(0);
  });

  it('fails on an import from a lower layer into a higher one', async () => {
    await write({
      'src/client/codex.ts': 'export type Codex = { name: string };\n',
      'src/jsonrpc/message.ts': "import type { Codex } from '../client/codex.js';\nexport type Message = { from: Codex };\n",
    });

    const outcome = await cruise(root);

    expect(outcome.code).to.not.equal(0);
    expect(outcome.output).to.include('layer-jsonrpc');
    expect(outcome.output).to.include('src/jsonrpc/message.ts → src/client/codex.ts');
  });

  it('fails on a cycle inside one layer', async () => {
    await write({
      'src/turns/a.ts': "import { b } from './b.js';\nexport const a = (): number => b();\n",
      'src/turns/b.ts': "import { a } from './a.js';\nexport const b = (): number => a();\n",
    });

    const outcome = await cruise(root);

    expect(outcome.code).to.not.equal(0);
    expect(outcome.output).to.include('no-circular');
  });

  it('fails when internal helpers import a layer', async () => {
    await write({
      'src/errors/decode-error.ts': 'export class DecodeError extends Error {}\n',
      'src/internal/helper.ts': "import { DecodeError } from '../errors/decode-error.js';\nexport const helper = new DecodeError();\n",
    });

    const outcome = await cruise(root);

    expect(outcome.code).to.not.equal(0);
    expect(outcome.output).to.include('internal-imports-no-layer');
  });

  it('passes the real source tree', async () => {
    const outcome = await cruise(REPO_ROOT);

    expect(outcome.code, outcome.output).to.equal(0);
  });
});
