import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Codex } from '../../src/client/codex.js';
import '../../src/client/node-transport.js';
import { MissingServerMetadataError } from '../../src/client/server-metadata.js';
import { TransportClosedError } from '../../src/errors/transport-closed-error.js';
import { startScriptedCodex } from '../../src/testing/scripted-codex.js';
import { isProcessAlive } from '../support/server-processes.js';

const FAKE_SERVER = join(import.meta.dirname, '../support/fake-app-server.mjs');

/** The pids of the processes running the fake server, to check nothing is left behind. */
function fakeServerPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('fake-app-server.mjs')) pids.push(Number(entry));
    } catch {
      // The process went away while we looked.
    }
  }
  return pids;
}

describe('server metadata and initialization', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'codex-rx-meta-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the version of the real server', async () => {
    const scripted = await startScriptedCodex();
    try {
      const metadata = await scripted.codex.ready();
      expect(metadata.serverVersion).to.match(/^\d+\.\d+\.\d+/);
      expect(metadata.initialize.codexHome).to.equal(scripted.harness.codexHome);
      expect(scripted.codex.metadata).to.equal(metadata);
    } finally {
      await scripted.dispose();
    }
  });

  it('parses the version from a bare user agent', async () => {
    const codex = await Codex.connect({ codexBin: FAKE_SERVER, env: { FAKE_INITIALIZE_RESULT: JSON.stringify({ userAgent: 'codex-cli/1.2.3' }) } });
    try {
      expect(codex.metadata.serverVersion).to.equal('1.2.3');
    } finally {
      await codex.close();
    }
  });

  it('fails connect() on an empty initialize result and leaves no process', async () => {
    const before = fakeServerPids();
    const error = await Codex.connect({ codexBin: FAKE_SERVER, env: { FAKE_INITIALIZE_RESULT: '{}' } }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(MissingServerMetadataError);
    const left = fakeServerPids().filter((pid) => !before.includes(pid) && isProcessAlive(pid));
    expect(left).to.deep.equal([]);
  });

  it('fails connect() with TransportClosedError when the server exits during initialize', async () => {
    const error = (await Codex.connect({ codexBin: FAKE_SERVER, env: { FAKE_EXIT_ON_INITIALIZE: '3' } }).catch((e: unknown) => e)) as TransportClosedError;
    expect(error).to.be.instanceOf(TransportClosedError);
    expect(error.exitCode).to.equal(3);
    expect(error.message).to.contain('giving up during initialize');
  });

  it('sends exactly one initialize when a lazy client gets concurrent first calls', async () => {
    const log = join(dir, 'requests.log');
    const codex = new Codex({ codexBin: FAKE_SERVER, env: { FAKE_LOG: log } });
    try {
      await Promise.all([codex.threadList(), codex.models(), codex.ready(), codex.threadList({ archived: true })]);
      const methods = readFileSync(log, 'utf8').trim().split('\n');
      expect(methods.filter((m) => m === 'initialize')).to.have.length(1);
      expect(methods).to.have.length(4);
    } finally {
      await codex.close();
    }
  });

  it('refuses every call after close, at once', async () => {
    const codex = await Codex.connect({ codexBin: FAKE_SERVER });
    await codex.close();
    await codex.close();
    const started = Date.now();
    const error = await codex.threadList().catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error);
    expect((error as Error).message).to.contain('closed');
    expect(Date.now() - started).to.be.below(100);
  });
});
