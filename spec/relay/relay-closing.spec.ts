import { expect } from 'chai';
import { SLOW_BROWSER_CLOSE_CODE } from '../../src/relay/create-relay.js';
import { DEFAULT_RELAY_OPTIONS } from '../../src/relay/relay-options.js';
import { FakeTransport } from '../support/fake-transport.js';
import { startRelayFixture, type RelayFixture } from '../support/relay-fixture.js';
import { SlowReader } from '../support/slow-reader.js';

const MiB = 1024 * 1024;

// The upstream is a fake: what is measured lies between the relay and the browser, and the answer
// must stream as fast as the relay drains it, tens of MiB, which a scripted model on a 2-core machine
// cannot produce at a steady rate.
describe('relay: closing a slow browser', function () {
  this.timeout(60_000);
  let fixture: RelayFixture;
  let upstream: FakeTransport | undefined;
  beforeEach(async () => {
    upstream = undefined;
    fixture = await startRelayFixture({
      upstream: () => (upstream = new FakeTransport()),
    });
  });
  afterEach(() => fixture.close());

  it('a browser reading 1 MiB/s while a large answer streams receives close code 4008, not 1006', async () => {
    const cookie = await fixture.signIn();
    const reader = await SlowReader.open(fixture.socketUrl, { Origin: fixture.origin, Cookie: cookie });
    for (let i = 0; i < 200 && upstream === undefined; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const server = upstream!;
    const delta = { method: 'item/agentMessage/delta', params: { threadId: 't', turnId: 'u', itemId: 'i', delta: 'x'.repeat(16 * 1024) } } as const;
    let sent = 0;
    // A large answer, streamed as fast as the relay takes it, until the relay closes the app-server side.
    const streaming = (async () => {
      while (server.closeCalls === 0 && sent < 256 * MiB) {
        for (let i = 0; i < 64; i += 1) server.receive(delta);
        sent += 64 * 16 * 1024;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const outcome = await reader.readUntil(MiB);
    await streaming;
    expect(outcome.closeCode, `after ${outcome.bytesBeforeClose} bytes in ${Math.round(outcome.elapsedMs)} ms`).to.equal(SLOW_BROWSER_CLOSE_CODE);
    // Memory stays bounded: the app-server side was closed once the queue passed its limit, and
    // what was queued was dropped rather than sent: the browser read far less than the queue held.
    expect(server.closeCalls).to.be.greaterThan(0);
    expect(sent).to.be.below(DEFAULT_RELAY_OPTIONS.maxQueuedBytes + 32 * MiB);
    expect(outcome.bytesBeforeClose).to.be.below(DEFAULT_RELAY_OPTIONS.maxQueuedBytes);
  });
});
