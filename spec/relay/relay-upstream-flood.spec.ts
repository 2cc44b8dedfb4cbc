import { expect } from 'chai';
import WebSocket from 'ws';
import { FakeTransport } from '../support/fake-transport.js';
import { startRelayFixture, type RelayFixture } from '../support/relay-fixture.js';

// Writes to the app-server are not backpressured: what a browser sends faster than the server
// answers waited in the relay's memory without bound (2 GB from one page, measured with 1 MB frames).
describe('relay: a browser that sends faster than the app-server answers', function () {
  this.timeout(20_000);
  let fixture: RelayFixture;
  let upstreams: FakeTransport[];
  const open = async (): Promise<WebSocket> => {
    const cookie = await fixture.signIn();
    const socket = new WebSocket(fixture.socketUrl, { headers: { Origin: fixture.origin, Cookie: cookie } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    while (upstreams.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    return socket;
  };
  beforeEach(async () => {
    upstreams = [];
    // A fake upstream that never answers: the app-server busy, or reading slowly.
    fixture = await startRelayFixture({ upstream: () => upstreams[upstreams.push(new FakeTransport()) - 1]!, maxFrameBytes: 64 * 1024, maxQueuedBytes: 256 * 1024 });
  });
  afterEach(() => fixture.close());

  it('is closed (1008) once its unanswered calls pass maxQueuedBytes, even when it reuses one id', async () => {
    const socket = await open();
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    const name = 'x'.repeat(32 * 1024);
    for (let i = 0; i < 64; i += 1) socket.send(JSON.stringify({ id: 1, method: 'thread/name/set', params: { threadId: 't', name } }));
    expect(await closed).to.equal(1008);
    expect(upstreams[0]!.sent.length).to.be.at.most(8);
  });

  it('an answer to a call the server did not make is not forwarded; one it made is, once', async () => {
    const socket = await open();
    const upstream = upstreams[0]!;
    socket.send(JSON.stringify({ id: 'unasked', result: { decision: 'accept' } }));
    socket.send(JSON.stringify({ result: 'no id at all' }));
    upstream.receive({ id: 5, method: 'item/commandExecution/requestApproval', params: {} } as never);
    await new Promise((resolve) => socket.once('message', resolve));
    socket.send(JSON.stringify({ id: 5, result: { decision: 'decline' } }));
    socket.send(JSON.stringify({ id: 5, result: { decision: 'accept' } }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(upstream.sent).to.deep.equal([{ id: 5, result: { decision: 'decline' } }]);
    socket.close();
  });
});
