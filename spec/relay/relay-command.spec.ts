import { expect } from 'chai';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { runCli, startCli } from '../cli/cli-process.js';
import { RecordingUpstream } from '../support/recording-upstream.js';

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

  it('refuses a --max-sandbox that is not a sandbox mode, and a --root that does not exist (exit 2)', async () => {
    const sandbox = await runCli(['relay', '--port', '0', '--max-sandbox', 'wide']);
    expect(sandbox.code).to.equal(2);
    expect(sandbox.stderr).to.include('--max-sandbox must be one of read-only, workspace-write, danger-full-access');
    const root = await runCli(['relay', '--port', '0', '--root', '/no/such/dir']);
    expect(root.code).to.equal(2);
    expect(root.stderr).to.include('/no/such/dir');
  });

  it('the param policy flags reach the relay: --root, --allow-config-key, --max-sandbox, --allow-approval-never', async () => {
    // A recording fake as --upstream: the spec sees exactly which calls reached the app-server side.
    const upstream = await RecordingUpstream.start();
    const root = mkdtempSync(join(tmpdir(), 'codex-rx-root-'));
    const cli = startCli(['relay', '--port', '0', '--upstream', upstream.url, '--root', root, '--allow-config-key', 'model', '--max-sandbox', 'read-only', '--allow-approval-never']);
    try {
      await cli.waitForStdout(/open http:\/\/127\.0\.0\.1:\d+\/\?token=\S+\n/, 60_000);
      const link = /open (\S+)/.exec(cli.stdout())![1]!;
      const origin = new URL(link).origin;
      const cookie = (await fetch(link, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
      const socket = new WebSocket(`${origin.replace('http', 'ws')}/codex`, { headers: { Origin: origin, Cookie: cookie } });
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      const answers = new Map<number, Record<string, unknown>>();
      socket.on('message', (data) => {
        const answer = JSON.parse(String(data)) as Record<string, unknown>;
        answers.set(answer['id'] as number, answer);
      });
      const calls: [number, Record<string, unknown>][] = [
        [1, { config: { model: 'm' }, cwd: root, approvalPolicy: 'never', sandbox: 'read-only' }],
        [2, { sandbox: 'workspace-write' }],
        [3, { config: { model_provider: 'p' } }],
        [4, { cwd: tmpdir() }],
      ];
      for (const [id, params] of calls) socket.send(JSON.stringify({ id, method: 'thread/start', params }));
      for (let i = 0; i < 500 && answers.size < calls.length; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(upstream.received.filter((message) => message['method'] === 'thread/start').map((message) => message['id'])).to.deep.equal([1]);
      const refused = [2, 3, 4].map((id) => (answers.get(id)?.['error'] as { data: { param: string } } | undefined)?.data.param);
      expect(refused).to.deep.equal(['sandbox', 'config.model_provider', 'cwd']);
      socket.close();
    } finally {
      cli.child.kill('SIGINT');
      await cli.done;
      await upstream.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
