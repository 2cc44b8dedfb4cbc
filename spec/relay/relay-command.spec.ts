import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startCli } from '../cli/cli-process.js';

describe('codex-rx web / relay commands', function () {
  this.timeout(90_000);

  it('web --scripted prints a one-time login link that signs a browser in to the page, and stops on Ctrl-C', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'relay-state-'));
    after(() => rmSync(stateDir, { recursive: true, force: true }));
    const cli = startCli(['web', '--scripted', '--port', '0', '--state-dir', stateDir]);
    try {
      await cli.waitForStdout(/open http:\/\/127\.0\.0\.1:\d+\/\?token=\S+\n/, 60_000);
      const link = /open (\S+)/.exec(cli.stdout())![1]!;
      const base = new URL(link).origin;
      expect((await fetch(`${base}/`)).status).to.equal(401);
      const login = await fetch(link, { redirect: 'manual' });
      expect(login.status).to.equal(303);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const page = await fetch(`${base}/`, { headers: { Cookie: cookie } });
      expect(page.status).to.equal(200);
      expect(await page.text()).to.include('/app.js');
      // The session is signed with a key kept beside the relay's state, readable by its owner only.
      expect(statSync(join(stateDir, 'session-key')).mode & 0o777).to.equal(0o600);
    } finally {
      cli.child.kill('SIGINT');
    }
    const outcome = await cli.done;
    expect(outcome.code).to.equal(0);
    expect(outcome.stderr).to.equal('');
  });

  it('refuses to listen off loopback without TLS or --insecure-listen (exit 2)', async () => {
    const outcome = await runCli(['relay', '--host', '0.0.0.0', '--port', '0']);
    expect(outcome.code).to.equal(2);
    expect(outcome.stderr).to.include('not a loopback address');
  });
});
