import { expect } from 'chai';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generatedFrom } from '../../src/protocol/generated/generated-from.js';
import { resolveCodexBinary } from '../../src/transport/codex-binary.js';
import { startCli } from './cli-process.js';

describe('codex-rx doctor (the CLI as a child process)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'codex-rx-doctor-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the pinned binary, both versions, and a match: exit 0', async () => {
    const outcome = await startCli(['doctor'], { CODEX_BIN: undefined }).done;
    expect(outcome.code).to.equal(0);
    expect(outcome.stdout).to.contain(`protocol: generated from ${generatedFrom.runtime}`);
    expect(outcome.stdout).to.contain(`binary:   ${resolveCodexBinary({ env: {} })}\n          from the pinned @openai/codex package`);
    expect(outcome.stdout).to.contain(`runtime:  codex-cli ${generatedFrom.version}`);
    expect(outcome.stdout).to.contain(`match:    yes, ${generatedFrom.version}`);
  });

  it('shows a CODEX_BIN binary of another version as a mismatch: exit 1', async () => {
    const fake = join(dir, 'codex');
    writeFileSync(fake, '#!/bin/sh\necho "codex-cli 0.172.0"\n');
    chmodSync(fake, 0o755);
    const outcome = await startCli(['doctor'], { CODEX_BIN: fake }).done;
    expect(outcome.code).to.equal(1);
    expect(outcome.stdout).to.contain(`binary:   ${fake}\n          from the CODEX_BIN environment variable`);
    expect(outcome.stdout).to.contain('runtime:  codex-cli 0.172.0');
    expect(outcome.stdout).to.contain(`match:    no, the runtime is 0.172.0 and the protocol ${generatedFrom.version}`);
  });

  it('says why when no binary is usable: exit 1', async () => {
    const outcome = await startCli(['doctor', '--codex-bin', join(dir, 'missing')]).done;
    expect(outcome.code).to.equal(1);
    expect(outcome.stdout).to.match(/binary: {3}none usable, from the --codex-bin option:\n[\s\S]*missing[\s\S]*does not exist/);
  });
});
