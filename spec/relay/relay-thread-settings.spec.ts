import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { Codex } from '../../src/client/codex.js';
import { InvalidParamsError } from '../../src/jsonrpc/json-rpc-error.js';
import { AppServerHarness, type AppServerHarnessOptions } from '../../src/testing/app-server-harness.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { execCommand } from '../../src/testing/script/exec-command.js';
import { response } from '../../src/testing/script/response.js';
import { BrowserWebSocketTransport } from '../../src/transport/browser-websocket-transport.js';
import { StdioTransport } from '../../src/transport/stdio-transport.js';
import { startRelayFixture, type RelayFixture } from '../support/relay-fixture.js';

// The param policy sees only what a browser sets. A thread also takes the host's config.toml and,
// resumed without a cwd, the directory it was started in: the relay checks what the thread got.
describe('relay: the settings a thread actually gets (real app-server, scripted model)', function () {
  this.timeout(60_000);
  let harness: AppServerHarness;
  let fixture: RelayFixture | undefined;
  let outside: string;
  let cookie = '';

  const start = async (options: AppServerHarnessOptions = {}, existing?: AppServerHarness): Promise<Codex> => {
    harness = existing ?? (await AppServerHarness.create(options));
    fixture = await startRelayFixture({ upstream: () => new StdioTransport({ env: harness.env, cwd: harness.workspace }), roots: [harness.workspace] });
    cookie = await fixture.signIn();
    return connect();
  };
  const connect = (): Promise<Codex> => {
    const webSocket = (url: string) => new WebSocket(url, { headers: { Origin: fixture!.origin, Cookie: cookie } });
    return Codex.connect({ transport: () => BrowserWebSocketTransport.connect(fixture!.socketUrl, { webSocket }) });
  };
  const until = async (done: () => boolean): Promise<void> => {
    while (!done()) await new Promise((resolve) => setTimeout(resolve, 20));
  };
  const settled = (call: Promise<unknown>) => call.then(() => undefined, (e: unknown) => e);

  beforeEach(() => {
    outside = mkdtempSync(join(tmpdir(), 'codex-rx-outside-'));
  });
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
    await harness.dispose();
    rmSync(outside, { recursive: true, force: true });
  });

  it('a host config of danger-full-access and never is refused on thread/start with no params, and its thread runs nothing', async () => {
    const codex = await start({ config: { approval_policy: 'never', sandbox_mode: 'danger-full-access' } });
    const marker = join(outside, 'ran');
    harness.mock.enqueue(response(execCommand(`touch ${marker}`)), response(assistantMessage('done')));
    const listened: string[] = [];
    codex.notifications$.subscribe((n) => { if (n.method === 'thread/started') listened.push((n.params as { thread: { id: string } }).thread.id); });
    const started = await settled(codex.request('thread/start', {}));
    expect(started, 'the thread was handed over').to.be.instanceOf(InvalidParamsError);
    expect((started as InvalidParamsError).message).to.include('sandbox');
    await until(() => listened.length > 0);
    const threadId = listened[0]!;
    const turn = await settled(codex.request('turn/start', { threadId, input: [{ type: 'text', text: 'go' }] }));
    expect(turn).to.be.instanceOf(InvalidParamsError);
    expect((turn as InvalidParamsError).message).to.include('threadId');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(existsSync(marker), 'a command ran outside the roots').to.equal(false);
    await codex.close();
  });

  it('a thread started elsewhere is refused when resumed without a cwd, and allowed with one inside the roots', async () => {
    const shared = await AppServerHarness.create();
    harness = shared;
    // The host's own client made a thread in another directory, in the same CODEX_HOME.
    shared.mock.enqueue(response(assistantMessage('host turn')));
    const host = await Codex.connect({ transport: () => new StdioTransport({ env: shared.env, cwd: outside }) });
    const elsewhere = await host.threadStart({ cwd: outside });
    await elsewhere.run('hi');
    await host.close();
    const codex = await start({}, shared);
    const resumed = await settled(codex.request('thread/resume', { threadId: elsewhere.id }));
    expect(resumed, 'the thread was resumed outside the roots').to.be.instanceOf(InvalidParamsError);
    expect((resumed as InvalidParamsError).message).to.include('cwd');
    const turn = await settled(codex.request('turn/start', { threadId: elsewhere.id, input: [{ type: 'text', text: 'go' }] }));
    expect((turn as InvalidParamsError).message).to.include('threadId');
    await codex.close();
    // On a new connection, resuming it with a cwd inside the roots is what a chat UI does.
    const browser = await connect();
    const inside = await browser.threadResume(elsewhere.id, { cwd: shared.workspace });
    expect(inside.id).to.equal(elsewhere.id);
    await browser.close();
  });

  it('a turn/start sent right behind the resume, before its answer, is refused too: the thread is not yet checked', async () => {
    const shared = await AppServerHarness.create();
    harness = shared;
    shared.mock.enqueue(response(assistantMessage('host turn')));
    const host = await Codex.connect({ transport: () => new StdioTransport({ env: shared.env, cwd: outside }) });
    const elsewhere = await host.threadStart({ cwd: outside });
    await elsewhere.run('hi');
    await host.close();
    const codex = await start({}, shared);
    const asked = shared.mock.requests.length;
    shared.mock.enqueue(response(assistantMessage('ran outside the roots')));
    // Pipelined: both frames leave before the resume is answered.
    const [resumed, turn] = await Promise.all([
      settled(codex.request('thread/resume', { threadId: elsewhere.id })),
      settled(codex.request('turn/start', { threadId: elsewhere.id, input: [{ type: 'text', text: 'go' }] })),
    ]);
    expect(resumed).to.be.instanceOf(InvalidParamsError);
    expect(turn, 'the turn started on a thread outside the roots').to.be.instanceOf(InvalidParamsError);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(shared.mock.requests.length, 'the model was asked').to.equal(asked);
    await codex.close();
  });
});
