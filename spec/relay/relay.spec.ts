import { expect } from 'chai';
import { get as httpGet } from 'node:http';
import WebSocket from 'ws';
import { Codex } from '../../src/client/codex.js';
import { ApprovalMode } from '../../src/client/approval-mode.js';
import { InvalidRequestError } from '../../src/jsonrpc/json-rpc-error.js';
import { REFUSED_METHOD_CODE, SLOW_BROWSER_CLOSE_CODE } from '../../src/relay/create-relay.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { response } from '../../src/testing/script/response.js';
import { BrowserWebSocketTransport } from '../../src/transport/browser-websocket-transport.js';
import { StdioTransport } from '../../src/transport/stdio-transport.js';
import { FakeTransport } from '../support/fake-transport.js';
import { startRelayFixture, type RelayFixture } from '../support/relay-fixture.js';

/** The outcome of a WebSocket handshake: the HTTP status of a refused upgrade, or 101. */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('unexpected-response', (_request, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close();
    });
    socket.on('error', () => undefined);
  });
}

describe('relay', function () {
  this.timeout(60_000);

  describe('security boundary (fake upstream)', () => {
    let fixture: RelayFixture;
    let upstreams: FakeTransport[];
    beforeEach(async () => {
      upstreams = [];
      fixture = await startRelayFixture({
        upstream: () => {
          const transport = new FakeTransport();
          upstreams.push(transport);
          return transport;
        },
        maxConnections: 2,
        maxFrameBytes: 4096,
        maxQueuedBytes: 64 * 1024,
      });
    });
    afterEach(() => fixture.close());

    it('opens the socket for its own origin with the session cookie', async () => {
      const cookie = await fixture.signIn();
      expect(cookie).to.match(/^codex_rx_session=.+/);
      expect(await upgradeStatus(fixture.socketUrl, { Origin: fixture.origin, Cookie: cookie })).to.equal(101);
    });

    it('sets an HttpOnly, SameSite=Strict cookie, and the login link works once', async () => {
      const link = fixture.relay.loginUrl(fixture.origin);
      const first = await fetch(link, { redirect: 'manual' });
      expect(first.status).to.equal(303);
      expect(first.headers.get('set-cookie')).to.match(/HttpOnly/).and.to.match(/SameSite=Strict/);
      expect(first.headers.get('location')).to.not.include('token');
      const second = await fetch(link, { redirect: 'manual' });
      expect(second.status).to.equal(401);
      expect(await second.text()).to.not.include(new URL(link).searchParams.get('token'));
    });

    it('refuses a wrong token', async () => {
      const wrong = await fetch(`${fixture.origin}/?token=guess`, { redirect: 'manual' });
      expect(wrong.status).to.equal(401);
      expect(wrong.headers.get('set-cookie')).to.equal(null);
    });

    it('cross-site WebSocket hijacking: refuses another origin, even with the cookie (403)', async () => {
      const cookie = await fixture.signIn();
      expect(await upgradeStatus(fixture.socketUrl, { Origin: 'http://evil.example', Cookie: cookie })).to.equal(403);
      expect(await upgradeStatus(fixture.socketUrl, { Cookie: cookie })).to.equal(403);
      expect(upstreams).to.have.length(0);
    });

    it('DNS rebinding: refuses an unexpected Host header on pages and sockets (421)', async () => {
      const cookie = await fixture.signIn();
      const port = new URL(fixture.origin).port;
      expect(await upgradeStatus(fixture.socketUrl, { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}`, Cookie: cookie })).to.equal(421);
      const page = await new Promise<number>((resolve, reject) => {
        const request = httpGet(`${fixture.origin}/`, { headers: { Host: `evil.example:${port}`, Cookie: cookie } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        request.on('error', reject);
      });
      expect(page).to.equal(421);
    });

    it('refuses a socket without the session cookie (401)', async () => {
      expect(await upgradeStatus(fixture.socketUrl, { Origin: fixture.origin })).to.equal(401);
      expect(await upgradeStatus(fixture.socketUrl, { Origin: fixture.origin, Cookie: 'codex_rx_session=forged' })).to.equal(401);
      expect((await fetch(`${fixture.origin}/`)).status).to.equal(401);
    });

    it('refuses connections beyond the limit (503)', async () => {
      const cookie = await fixture.signIn();
      const open = await Promise.all([0, 1].map(() => openBrowser(fixture.socketUrl, { Origin: fixture.origin, Cookie: cookie })));
      expect(await upgradeStatus(fixture.socketUrl, { Origin: fixture.origin, Cookie: cookie })).to.equal(503);
      for (const socket of open) socket.close();
    });

    it('closes a browser that sends a frame over the size limit (1009), before it reaches the server', async () => {
      const cookie = await fixture.signIn();
      const socket = await openBrowser(fixture.socketUrl, { Origin: fixture.origin, Cookie: cookie });
      const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
      socket.send(JSON.stringify({ id: 1, method: 'thread/start', params: { baseInstructions: 'x'.repeat(10_000) } }));
      expect(await closed).to.equal(1009);
      expect(upstreams[0]?.sent ?? []).to.have.length(0);
    });

    it('answers a call outside the method policy with a JSON-RPC error and does not forward it', async () => {
      const cookie = await fixture.signIn();
      const socket = await openBrowser(fixture.socketUrl, { Origin: fixture.origin, Cookie: cookie });
      const answer = new Promise<Record<string, unknown>>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)));
      socket.send(JSON.stringify({ id: 7, method: 'config/value/write', params: { keyPath: 'model', value: 'x', mergeStrategy: 'replace' } }));
      expect(await answer).to.deep.include({ id: 7 });
      expect((await answer)['error']).to.deep.include({ code: REFUSED_METHOD_CODE });
      await until(() => upstreams.length === 1);
      expect(upstreams[0]!.sent).to.have.length(0);
      socket.close();
    });

    it('closes a slow browser with close code 4008 while the server side keeps being drained', async () => {
      const cookie = await fixture.signIn();
      const socket = await openBrowser(fixture.socketUrl, { Origin: fixture.origin, Cookie: cookie });
      const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
      await until(() => upstreams.length === 1);
      socket.pause();
      const big = 'x'.repeat(16 * 1024);
      // Enough that the kernel buffers fill and the relay's own queue passes its limit.
      for (let i = 0; i < 2_000; i += 1) upstreams[0]!.receive({ method: 'item/agentMessage/delta', params: { delta: big } });
      await new Promise((resolve) => setTimeout(resolve, 200));
      socket.resume();
      expect(await closed).to.equal(SLOW_BROWSER_CLOSE_CODE);
      expect(upstreams[0]!.closeCalls).to.be.greaterThan(0);
    });
  });

  describe('with the real app-server and the scripted model', () => {
    let harness: AppServerHarness;
    let fixture: RelayFixture;
    beforeEach(async () => {
      harness = await AppServerHarness.create();
      fixture = await startRelayFixture({ upstream: () => new StdioTransport({ env: harness.env, cwd: harness.workspace }), roots: [harness.workspace] });
    });
    afterEach(async () => {
      await fixture.close();
      await harness.dispose();
    });

    const connect = async (): Promise<Codex> => {
      const cookie = await fixture.signIn();
      // The standard WebSocket API (the ws package implements it; Node 20 has no global one), with the headers a browser sends.
      const webSocket = (url: string) => new WebSocket(url, { headers: { Origin: fixture.origin, Cookie: cookie } });
      return Codex.connect({ transport: () => BrowserWebSocketTransport.connect(fixture.socketUrl, { webSocket }) });
    };

    it('runs a turn through the relay with the standard-WebSocket transport', async () => {
      harness.mock.enqueue(response(deltas(['Hel', 'lo'])));
      const codex = await connect();
      const thread = await codex.threadStart();
      const result = await thread.run('hi');
      expect(result.status).to.equal('completed');
      expect(result.finalResponse).to.equal('Hello');
      await codex.close();
    });

    it('a refused method rejects with the typed JSON-RPC error and the connection goes on', async () => {
      harness.mock.enqueue(response(assistantMessage('still here')));
      const codex = await connect();
      const error = await codex.request('config/value/write', { keyPath: 'model', value: 'x', mergeStrategy: 'replace' }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(InvalidRequestError);
      expect((error as Error).message).to.include("relay's method policy");
      const thread = await codex.threadStart({ approvalMode: ApprovalMode.askUser });
      expect((await thread.run('hi')).finalResponse).to.equal('still here');
      await codex.close();
    });
  });
});

function openBrowser(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).to.equal(true);
}
