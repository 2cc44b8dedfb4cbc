import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { response } from '../../src/testing/script/response.js';
import { isProcessAlive, startWebSocketServer, type ListeningServer } from '../support/server-processes.js';
import { childPids, runCli, startCli } from './cli-process.js';

interface JsonEvent {
  readonly method: string;
  // `any`: the spec reads into protocol payloads whose codecs are tested elsewhere.
  readonly params: any;
}

function jsonEvents(stdout: string): JsonEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JsonEvent);
}

describe('codex-rx run (the CLI as a child process, against the real app-server)', function () {
  this.timeout(60_000);

  it('streams the scripted answer to stdout and exits 0', async () => {
    const outcome = await runCli(['run', '--scripted', 'Say hello to the reactive world']);
    expect(outcome.code, outcome.stderr).to.equal(0);
    expect(outcome.stdout).to.equal(
      'You said: Say hello to the reactive world. This answer comes from the scripted model, offline, word by word.\n',
    );
    expect(outcome.stderr).to.equal('');
  });

  it('--json writes one parseable event per line, from turn/started to turn/completed', async () => {
    const outcome = await runCli(['run', '--scripted', '--json', 'hello json']);
    expect(outcome.code, outcome.stderr).to.equal(0);
    const events = jsonEvents(outcome.stdout);
    const methods = events.map((event) => event.method);
    expect(methods[0]).to.equal('turn/started');
    expect(methods.at(-1)).to.equal('turn/completed');
    expect(methods).to.include('item/agentMessage/delta');
    expect(methods).to.include('thread/tokenUsage/updated');
    for (const event of events) expect(Object.keys(event)).to.deep.equal(['method', 'params']);
    const text = events.filter((event) => event.method === 'item/agentMessage/delta').map((event) => event.params.delta as string);
    expect(text.length).to.be.greaterThan(5);
    expect(text.join('')).to.contain('You said: hello json.');
    expect(events.at(-1)!.params.turn.status).to.equal('completed');
  });

  it('run - reads the prompt from stdin', async () => {
    const outcome = await runCli(['run', '--scripted', '-'], {}, 'a prompt from a pipe\n');
    expect(outcome.code, outcome.stderr).to.equal(0);
    expect(outcome.stdout).to.match(/^You said: a prompt from a pipe\. /);
  });

  it('--ws with a URL that is not ws://, wss:// or unix:// exits 2 naming the option, not a library class', async () => {
    for (const url of ['ftp://127.0.0.1:4500', 'http://127.0.0.1:4500', 'not a url']) {
      const outcome = await runCli(['run', '--ws', url, 'hi']);
      expect(outcome.code, `${url}: ${outcome.stderr}`).to.equal(2);
      expect(outcome.stderr).to.match(/^codex-rx: --ws /);
      expect(outcome.stderr).to.not.match(/Error\b/);
      expect(outcome.stdout).to.equal('');
    }
  });

  it('--help lists the options of run, and the top-level help says where they are', async () => {
    const run = await runCli(['run', '--help']);
    expect(run.code).to.equal(0);
    for (const option of ['--json', '--model', '--cwd', '--sandbox', '--approval', '--thread', '--ws', '--token-file', '--scripted']) {
      expect(run.stdout).to.contain(option);
    }
    expect(run.stdout).to.contain('auth.json');
    const top = await runCli(['--help']);
    expect(top.code).to.equal(0);
    expect(top.stdout).to.contain('codex-rx run --help');
  });

  it('a failing turn exits 1 with the error class and message on stderr, in one line', async () => {
    const outcome = await runCli(['run', '--scripted', 'please fail'], { CODEX_RX_SCRIPT: 'fail' });
    expect(outcome.code).to.equal(1);
    expect(outcome.stderr).to.match(/^codex-rx: TurnFailedError: .*scripted failure \(CODEX_RX_SCRIPT=fail\)\n$/);
    expect(outcome.stdout).to.equal('Let me think about that\n');
  });

  it('Ctrl-C (SIGINT) interrupts the turn on the server, exits 130 and leaves no server process behind', async () => {
    const cli = startCli(['run', '--scripted', '--json', 'a long task'], { CODEX_RX_SCRIPT: 'hang' });
    await cli.waitForStdout(/"item\/agentMessage\/delta"/);
    const servers = await childPids(cli.child.pid!);
    expect(servers, 'the launched app-server').to.have.length.greaterThan(0);
    cli.child.kill('SIGINT');
    const outcome = await cli.done;
    expect(outcome.code, outcome.stderr).to.equal(130);
    expect(outcome.stderr).to.contain('SIGINT: interrupting the turn');
    // The turn ended on the server as interrupted: its turn/completed was still streamed.
    const completed = jsonEvents(outcome.stdout).filter((event) => event.method === 'turn/completed');
    expect(completed).to.have.length(1);
    expect(completed[0]!.params.turn.status).to.equal('interrupted');
    for (const pid of servers) expect(isProcessAlive(pid), `process ${pid}`).to.equal(false);
  });

  it('a bad --sandbox value is a usage error: exit 2, a clear message, nothing started', async () => {
    const outcome = await runCli(['run', '--sandbox', 'bogus', 'hi']);
    expect(outcome.code).to.equal(2);
    expect(outcome.stderr).to.contain("argument 'bogus' is invalid");
    expect(outcome.stderr).to.contain('read-only, workspace-write, full-access');
    expect(outcome.stdout).to.equal('');
  });

  it('other usage errors exit 2 too: --token-file without --ws, an unknown CODEX_RX_SCRIPT, no command', async () => {
    const [tokenWithoutWs, badScript, noCommand, missingPrompt] = await Promise.all([
      runCli(['run', '--token-file', 'token.txt', 'hi']),
      runCli(['run', '--scripted', 'hi'], { CODEX_RX_SCRIPT: 'explode' }),
      runCli([]),
      runCli(['run']),
    ]);
    expect(tokenWithoutWs.code).to.equal(2);
    expect(tokenWithoutWs.stderr).to.contain('--token-file needs --ws');
    expect(badScript.code).to.equal(2);
    expect(badScript.stderr).to.contain('CODEX_RX_SCRIPT must be');
    expect(noCommand.code).to.equal(2);
    expect(noCommand.stderr).to.contain('Usage: codex-rx');
    expect(missingPrompt.code).to.equal(2);
    expect(missingPrompt.stderr).to.contain("missing required argument 'prompt'");
  });

  it('--help documents every option, with examples and the exit codes', async () => {
    const [main, run, demo] = await Promise.all([runCli(['--help']), runCli(['run', '--help']), runCli(['demo', '--help'])]);
    for (const outcome of [main, run, demo]) expect(outcome.code).to.equal(0);
    expect(main.stdout).to.contain('run [options] <prompt>').and.contain('demo [options]').and.contain('Examples:').and.contain('130');
    for (const option of ['--json', '--model', '--cwd', '--sandbox', '--approval', '--thread', '--ws', '--token-file', '--scripted']) {
      expect(run.stdout).to.contain(option);
    }
    expect(run.stdout).to.contain('CODEX_RX_SCRIPT=fail').and.contain('Examples:');
    expect(demo.stdout).to.contain('--interactive').and.contain('--live');
  });

  describe('with a running server (--ws, --token-file, --thread)', () => {
    const TOKEN = 'cli-spec-capability-token-0123456789';
    let harness: AppServerHarness;
    let server: ListeningServer & { readonly url: string };
    let tokenFile: string;
    beforeEach(async () => {
      harness = await AppServerHarness.create();
      server = await startWebSocketServer({ dir: harness.codexHome, env: harness.env, dispose: async () => undefined }, TOKEN);
      tokenFile = join(harness.workspace, 'token.txt');
      await writeFile(tokenFile, `  ${TOKEN}\n`);
    });
    afterEach(async () => {
      await server.stop();
      await harness.dispose();
    });

    it('connects with the token read from the file, never printing it, and continues a thread with --thread', async () => {
      harness.mock.enqueue(response(deltas(['Remote ', 'hello'], { delayMs: 5 })), response(deltas(['Second ', 'turn'], { delayMs: 5 })));
      const first = await runCli(['run', '--ws', server.url, '--token-file', tokenFile, '--json', 'first prompt']);
      expect(first.code, first.stderr).to.equal(0);
      const threadId = jsonEvents(first.stdout)[0]!.params.threadId as string;
      const second = await runCli(['run', '--ws', server.url, '--token-file', tokenFile, '--thread', threadId, 'second prompt']);
      expect(second.code, second.stderr).to.equal(0);
      expect(second.stdout).to.equal('Second turn\n');
      for (const outcome of [first, second]) expect(outcome.stdout + outcome.stderr).to.not.contain(TOKEN);
      // The second request carries the first turn: the thread was resumed, not started anew.
      const [, followUp] = await harness.mock.waitForRequests(2);
      expect(followUp!.userTexts()).to.include('first prompt').and.include('second prompt');
    });

    it('a wrong token fails with one clear line and exit 1', async () => {
      await writeFile(tokenFile, 'not-the-token\n');
      const outcome = await runCli(['run', '--ws', server.url, '--token-file', tokenFile, 'hi']);
      expect(outcome.code).to.equal(1);
      expect(outcome.stderr).to.match(/^codex-rx: AuthenticationError: .*\n$/);
      expect(outcome.stderr).to.not.contain('not-the-token');
    });
  });

  describe('against a server that cannot reach its model', () => {
    const TOKEN = 'cli-spec-capability-token-retries-0123';
    let harness: AppServerHarness;
    let server: ListeningServer & { readonly url: string };
    let tokenFile: string;
    beforeEach(async () => {
      harness = await AppServerHarness.create({
        // The server's default: retry an unreachable model for ever.
        config: { features: { unbounded_connection_retries: true }, model_providers: { codex_rx_mock: { base_url: 'http://127.0.0.1:9/v1' } } },
      });
      server = await startWebSocketServer({ dir: harness.codexHome, env: harness.env, dispose: async () => undefined }, TOKEN);
      tokenFile = join(harness.workspace, 'token.txt');
      await writeFile(tokenFile, TOKEN);
    });
    afterEach(async () => {
      await server.stop();
      await harness.dispose();
    });

    it('prints the server\'s retries on stderr instead of sitting silent', async () => {
      const cli = startCli(['run', '--ws', server.url, '--token-file', tokenFile, '--json', 'Say hello']);
      const deadline = Date.now() + 20_000;
      while (!cli.stderr().includes('Reconnecting') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      cli.child.kill('SIGINT');
      const outcome = await cli.done;
      expect(outcome.stderr).to.match(/^codex-rx: Reconnecting\.\.\. waiting for network \(the server retries\)$/m);
      expect(outcome.code, outcome.stderr).to.equal(130);
    });
  });
});
