import { expect } from 'chai';
import { Codex } from '../../src/client/codex.js';
import { FakeTurnServer } from '../support/fake-turn-server.js';
import { scriptedCodexPerTest } from '../support/scripted-codex-per-test.js';
import { TelemetryFixture } from './telemetry-fixture.js';

/** The current value of an up-down counter, summed over its points. */
async function total(otel: TelemetryFixture, name: string): Promise<number> {
  return (await otel.points(name)).reduce((sum, point) => sum + (point.value as number), 0);
}

describe('telemetry of requests: waiting for a slot and overload retries', function () {
  this.timeout(30_000);
  let otel: TelemetryFixture;
  beforeEach(() => {
    otel = new TelemetryFixture();
  });
  afterEach(async () => {
    await otel.dispose();
  });

  describe('against the real app-server', () => {
    const scripted = scriptedCodexPerTest(() => ({ codex: { telemetry: otel.config(), maxInFlightRequests: 1 } }));

    it('a burst under maxInFlightRequests 1: codex.requests.waiting counts the rest while one is on the wire, and both go back to 0', async () => {
      const { codex } = scripted;
      await codex.threadList({ limit: 1 });
      const burst = [1, 2, 3, 4, 5].map((limit) => codex.threadList({ limit }));
      // Collected before any answer can come back: one on the wire, four waiting for its slot.
      expect(await total(otel, 'codex.requests.in_flight')).to.equal(1);
      expect(await total(otel, 'codex.requests.waiting')).to.equal(4);
      await Promise.all(burst);
      expect(await total(otel, 'codex.requests.in_flight')).to.equal(0);
      expect(await total(otel, 'codex.requests.waiting')).to.equal(0);
      expect(await otel.points('codex.requests.overload_retries')).to.deep.equal([]);
    });
  });

  // A fake server: the real one cannot be made to answer -32001 (overloaded) on demand without
  // saturating it, which would cost seconds and be unreliable on a shared machine.
  it('a request refused once with -32001 and sent again: one codex.requests.overload_retries point for its method', async () => {
    const server = new FakeTurnServer();
    let refused = false;
    server.otherwise = (request) => {
      if (request.method !== 'thread/list') return { result: {} };
      if (!refused) {
        refused = true;
        return { error: { code: -32001, message: 'Server overloaded; retry later.' } };
      }
      return { result: { data: [], nextCursor: null, backwardsCursor: null } };
    };
    const codex = await Codex.connect({ transport: () => server.transport, telemetry: otel.config() });
    try {
      const page = await codex.threadList({ limit: 1 });
      expect(page.data).to.deep.equal([]);
      expect(refused).to.equal(true);
      const retries = await otel.points('codex.requests.overload_retries');
      expect(retries.map((point) => [point.attributes['rpc.method'], point.value])).to.deep.equal([['thread/list', 1]]);
      // The retried request left the wire once, however many times it was sent.
      expect(await total(otel, 'codex.requests.in_flight')).to.equal(0);
      expect(await total(otel, 'codex.requests.waiting')).to.equal(0);
    } finally {
      await codex.close();
    }
  });
});
