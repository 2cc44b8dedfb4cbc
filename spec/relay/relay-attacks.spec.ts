import { expect } from 'chai';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { FakeTransport } from '../support/fake-transport.js';
import { startRelayFixture, type RelayFixture } from '../support/relay-fixture.js';
import { SlowReader } from '../support/slow-reader.js';

/** The status line of a WebSocket upgrade sent with exactly these header lines. */
function upgrade(origin: string, lines: readonly string[]): Promise<string> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      const head = ['GET /codex HTTP/1.1', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', ...lines];
      socket.write(`${head.join('\r\n')}\r\n\r\n`);
    });
    socket.once('data', (chunk: Buffer) => {
      resolve(chunk.toString('latin1').split('\r\n')[0]!.split(' ')[1]!);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

// A fake upstream: these specs attack the relay's own checks (headers, pacing); no call reaches a server.
describe('relay under attack: header variants and readers that stop', function () {
  this.timeout(60_000);
  let fixture: RelayFixture;
  let upstreams: FakeTransport[];
  beforeEach(async () => {
    upstreams = [];
    fixture = await startRelayFixture({ upstream: () => {
      const upstream = new FakeTransport();
      upstreams.push(upstream);
      return upstream;
    } });
  });
  afterEach(() => fixture.close());

  it('opens only for the exact Host, Origin and session cookie; every near miss is refused', async () => {
    const cookie = await fixture.signIn();
    const session = cookie.split('=')[1]!;
    const { host } = new URL(fixture.origin);
    const port = new URL(fixture.origin).port;
    const cases: [string, string[], string][] = [
      ['the real thing', [`Host: ${host}`, `Origin: ${fixture.origin}`, `Cookie: ${cookie}`], '101'],
      ['the cookie among others', [`Host: ${host}`, `Origin: ${fixture.origin}`, `Cookie: a=1; ${cookie}; b=2`], '101'],
      ['localhost by name', [`Host: localhost:${port}`, `Origin: http://localhost:${port}`, `Cookie: ${cookie}`], '101'],
      ['Origin null (sandboxed frame, file:)', [`Host: ${host}`, 'Origin: null', `Cookie: ${cookie}`], '403'],
      ['Origin with a path', [`Host: ${host}`, `Origin: ${fixture.origin}/`, `Cookie: ${cookie}`], '403'],
      ['Origin over https', [`Host: ${host}`, `Origin: ${fixture.origin.replace('http', 'https')}`, `Cookie: ${cookie}`], '403'],
      ['Origin of another port', [`Host: ${host}`, 'Origin: http://127.0.0.1:1', `Cookie: ${cookie}`], '403'],
      ['two Origin headers', [`Host: ${host}`, 'Origin: http://evil.example', `Origin: ${fixture.origin}`, `Cookie: ${cookie}`], '403'],
      ['Sec-WebSocket-Origin instead', [`Host: ${host}`, `Sec-WebSocket-Origin: ${fixture.origin}`, `Cookie: ${cookie}`], '403'],
      ['Host with a trailing dot', [`Host: 127.0.0.1.:${port}`, `Origin: ${fixture.origin}`, `Cookie: ${cookie}`], '421'],
      ['Host without the port', ['Host: 127.0.0.1', `Origin: ${fixture.origin}`, `Cookie: ${cookie}`], '421'],
      ['no Host', [`Origin: ${fixture.origin}`, `Cookie: ${cookie}`], '421'],
      ['no cookie', [`Host: ${host}`, `Origin: ${fixture.origin}`], '401'],
      ['the session in another cookie', [`Host: ${host}`, `Origin: ${fixture.origin}`, `Cookie: x${cookie}`], '401'],
      ['the session cut short', [`Host: ${host}`, `Origin: ${fixture.origin}`, `Cookie: codex_rx_session=${session.slice(0, -1)}`], '401'],
      ['the session with a space', [`Host: ${host}`, `Origin: ${fixture.origin}`, `Cookie: codex_rx_session= ${session}`], '401'],
      ['the login token as a cookie', [`Host: ${host}`, `Origin: ${fixture.origin}`, `Cookie: codex_rx_session=${new URL(fixture.relay.loginUrl(fixture.origin)).searchParams.get('token')}`], '401'],
      ['an empty session', [`Host: ${host}`, `Origin: ${fixture.origin}`, 'Cookie: codex_rx_session='], '401'],
    ];
    const outcomes = [];
    for (const [name, lines, expected] of cases) outcomes.push([name, await upgrade(fixture.origin, lines), expected]);
    expect(outcomes.filter(([, got, expected]) => got !== expected)).to.deep.equal([]);
  });

  it('a browser that stops reading is cut off, its app-server connection closed at once, and its slot freed', async () => {
    const cookie = await fixture.signIn();
    const reader = await SlowReader.open(fixture.socketUrl, { Origin: fixture.origin, Cookie: cookie });
    for (let i = 0; i < 200 && upstreams.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const upstream = upstreams[0]!;
    const delta = { method: 'item/agentMessage/delta', params: { delta: 'x'.repeat(64 * 1024) } };
    let sent = 0;
    while (upstream.closeCalls === 0 && sent < 1_000) {
      upstream.receive(delta);
      sent += 1;
      if (sent % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    // The queue limit (8 MiB) and the socket's buffers: far less than a reader that never stops would pile up.
    expect(upstream.closeCalls).to.equal(1);
    expect(sent * 64 * 1024).to.be.below(32 * 1024 * 1024);
    // Never read: the relay gives up on the closing handshake and frees the slot.
    for (let i = 0; i < 250 && fixture.relay.connections > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fixture.relay.connections).to.equal(0);
    expect((await reader.readUntil(64 * 1024 * 1024)).closeCode).to.equal(null);
  });

  it('a browser that sends faster than the app-server takes keeps its calls in order, and nothing outside the policy slips in', async () => {
    const cookie = await fixture.signIn();
    const socket = new WebSocket(fixture.socketUrl, { headers: { Origin: fixture.origin, Cookie: cookie } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    // Sent before the upstream is even open: the early frames go through the same checks.
    for (let id = 1; id <= 200; id += 1) {
      const params = id % 2 === 0 ? { threadId: 't' } : { threadId: 't', config: { mcp_servers: {} } };
      socket.send(JSON.stringify({ id, method: 'thread/read', params }));
      socket.send(JSON.stringify({ id: 1_000 + id, method: 'thread/resume', params }));
    }
    for (let i = 0; i < 300 && (upstreams[0]?.sent.length ?? 0) < 100; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ids = upstreams[0]!.sent.map((message) => (message as { id: number }).id);
    expect(ids).to.deep.equal([...Array(100).keys()].map((i) => 2 * (i + 1)).flatMap((id) => [id, 1_000 + id]));
    socket.close();
  });

  it('a browser that floods frames before its app-server connection opens is closed (1008), and nothing it sent is kept', async () => {
    await fixture.close();
    let open: (() => void) | undefined;
    const upstream = new FakeTransport();
    fixture = await startRelayFixture({ upstream: () => new Promise((resolve) => (open = () => resolve(upstream))), maxQueuedBytes: 256 * 1024 });
    const cookie = await fixture.signIn();
    const socket = new WebSocket(fixture.socketUrl, { headers: { Origin: fixture.origin, Cookie: cookie } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    const frame = JSON.stringify({ id: 1, method: 'thread/name/set', params: { threadId: 't', name: 'x'.repeat(60 * 1024) } });
    for (let i = 0; i < 64; i += 1) socket.send(frame);
    expect(await closed).to.equal(1008);
    open!();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(upstream.sent).to.deep.equal([]);
    expect(upstream.closeCalls).to.be.greaterThan(0);
  });
});
