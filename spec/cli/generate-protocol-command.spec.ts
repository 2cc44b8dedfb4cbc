import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startCli } from './cli-process.js';

const GENERATED_DIR = join(import.meta.dirname, '../../src/protocol/generated');

describe('codex-rx generate-protocol (the CLI as a child process)', function () {
  this.timeout(60_000);
  let out: string;
  before(() => {
    // Inside the repository, so that the generated modules resolve io-ts as a user's project would.
    mkdirSync(join(import.meta.dirname, '../.tmp'), { recursive: true });
    out = join(mkdtempSync(join(import.meta.dirname, '../.tmp/cli-generate-')), 'codex-protocol');
  });
  after(() => rmSync(join(out, '..'), { recursive: true, force: true }));

  it('writes codecs for the chosen runtime that load with io-ts alone and decode', async () => {
    const outcome = await startCli(['generate-protocol', '--out', out], { CODEX_BIN: undefined }).done;
    expect(outcome.code).to.equal(0);
    expect(outcome.stdout).to.match(/^codex-cli \d+\.\d+\.\d+ \(.+\): \{"definitions":\d+,"clientRequests":\d+/);
    expect(outcome.stdout).to.contain('every method fully typed');
    // The pinned runtime: the same files as the library's own protocol.
    for (const name of ['codecs.ts', 'methods.ts', 'generated-from.ts']) {
      expect(readFileSync(join(out, name), 'utf8') === readFileSync(join(GENERATED_DIR, name), 'utf8'), name).to.equal(true);
    }
    const { clientRequestCodecs } = (await import(join(out, 'methods.ts'))) as {
      clientRequestCodecs: Record<string, { result: { is(u: unknown): boolean } }>;
    };
    expect(clientRequestCodecs['thread/goal/clear']!.result.is({ cleared: true })).to.equal(true);
    expect(clientRequestCodecs['thread/goal/clear']!.result.is({ cleared: 'yes' })).to.equal(false);
  });

  it('fails with one line when the runtime cannot be found', async () => {
    const outcome = await startCli(['generate-protocol', '--out', out, '--codex-bin', join(out, 'no-such-codex')]).done;
    expect(outcome.code).to.equal(1);
    expect(outcome.stdout).to.match(/^generate-protocol failed: CodexBinaryNotFoundError: /);
  });
});
