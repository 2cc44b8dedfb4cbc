import { expect } from 'chai';
import type { CodexDiagnostic } from '../../src/client/codex-diagnostic.js';
import { join } from 'node:path';
import { firstValueFrom } from 'rxjs';
import { Codex } from '../../src/client/codex.js';
import { ServerVersionMismatchError } from '../../src/client/server-version-mismatch-error.js';
import type { ConnectionDiagnostic } from '../../src/connection/rpc-connection.js';
import { generatedFrom } from '../../src/protocol/generated/generated-from.js';
import { startScriptedCodex } from '../../src/testing/scripted-codex.js';

const FAKE_SERVER = join(import.meta.dirname, '../support/fake-app-server.mjs');

/** The fake server, answering initialize as a newer app-server would (its user agent carries its version). */
function newerServer(version: string) {
  const userAgent = `codex_rx/${version} (Debian 12.0.0; x86_64) xterm (codex_rx; 0.1.0)`;
  return { codexBin: FAKE_SERVER, env: { FAKE_INITIALIZE_RESULT: JSON.stringify({ userAgent, codexHome: '/tmp', platformFamily: 'unix', platformOs: 'linux' }) } };
}

describe('server version drift', function () {
  this.timeout(30_000);

  it('reports a server of another version on metadata and as the first diagnostic, and keeps working', async () => {
    const codex = await Codex.connect(newerServer('0.172.0'));
    try {
      expect(codex.metadata.serverVersion).to.equal('0.172.0');
      expect(codex.metadata.protocolVersion).to.equal(generatedFrom.version);
      expect(codex.metadata.versionMismatch).to.equal(true);
      const diagnostic = await firstValueFrom(codex.diagnostics$);
      expect(diagnostic).to.deep.include({ kind: 'version-mismatch', serverVersion: '0.172.0', protocolVersion: generatedFrom.version });
      expect((diagnostic as { message: string }).message).to.contain(`the app-server is 0.172.0 but the protocol codecs were generated from ${generatedFrom.version}`);
      // A second subscriber sees it too: it describes the connection, not a moment.
      expect((await firstValueFrom(codex.diagnostics$)).kind).to.equal('version-mismatch');
      expect(await codex.threadList()).to.deep.equal({ data: [], nextCursor: null });
    } finally {
      await codex.close();
    }
  });

  it('fails initialize with ServerVersionMismatchError when asked to', async () => {
    const error = (await Codex.connect({ ...newerServer('0.172.0'), requireMatchingServerVersion: true }).catch((e: unknown) => e)) as ServerVersionMismatchError;
    expect(error).to.be.instanceOf(ServerVersionMismatchError);
    expect(error.serverVersion).to.equal('0.172.0');
    expect(error.protocolVersion).to.equal(generatedFrom.version);
  });

  it('reports no mismatch against the pinned runtime, even when required to match', async () => {
    const scripted = await startScriptedCodex({ codex: { requireMatchingServerVersion: true } });
    try {
      const metadata = await scripted.codex.ready();
      expect(metadata).to.deep.include({ serverVersion: generatedFrom.version, protocolVersion: generatedFrom.version, versionMismatch: false });
      const diagnostics: CodexDiagnostic[] = [];
      const subscription = scripted.codex.diagnostics$.subscribe((d) => diagnostics.push(d));
      await scripted.codex.threadList();
      subscription.unsubscribe();
      expect(diagnostics).to.deep.equal([]);
    } finally {
      await scripted.dispose();
    }
  });
});
