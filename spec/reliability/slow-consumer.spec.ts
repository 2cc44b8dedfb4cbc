import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import { Codex } from '../../src/client/codex.js';
import { agentTextDeltas } from '../../src/operators/agent-text-deltas.js';
import { AppServerHarness } from '../../src/testing/app-server-harness.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { response } from '../../src/testing/script/response.js';
import { startWebSocketServer, type ListeningServer } from '../support/server-processes.js';

const TOKEN = 'slow-consumer-token-0123456789';
const DELTAS_PER_TURN = Number(process.env['SLOW_CONSUMER_DELTAS'] ?? 3000);
const WORK_MS_PER_EVENT = Number(process.env['SLOW_CONSUMER_WORK_MS'] ?? 0.3);

/** Synchronous work, as a subscriber that renders or parses each event would do. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

describe('slow consumers over WebSocket', function () {
  this.timeout(180_000);
  let harness: AppServerHarness;
  let server: ListeningServer & { url: string };
  before(async () => {
    harness = await AppServerHarness.create();
    server = await startWebSocketServer({ dir: harness.codexHome, env: harness.env, dispose: async () => undefined }, TOKEN);
  });
  after(async () => {
    await server.stop();
    await harness.dispose();
  });

  it('keeps the connection and delivers every delta of two busy turns to a slow subscriber', async () => {
    const codex = await Codex.connect({ transport: { url: server.url, token: TOKEN } });
    try {
      const chunks = (tag: string) => Array.from({ length: DELTAS_PER_TURN }, (_, i) => `${tag}${i} `);
      harness.mock.enqueueMatching((r) => r.userTexts().includes('stream A'), response(deltas(chunks('a'))));
      harness.mock.enqueueMatching((r) => r.userTexts().includes('stream B'), response(deltas(chunks('b'))));
      const [a, b] = await Promise.all([codex.threadStart({ cwd: harness.workspace }), codex.threadStart({ cwd: harness.workspace })]);
      const started = performance.now();
      const [turnA, turnB] = await Promise.all([a.turn('stream A'), b.turn('stream B')]);
      let slowEvents = 0;
      // The slow subscriber: synchronous work on every event of turn A.
      turnA.events$.subscribe(() => {
        slowEvents += 1;
        busy(WORK_MS_PER_EVENT);
      });
      const [textA, textB] = await Promise.all([
        lastValueFrom(turnA.events$.pipe(agentTextDeltas(), toArray())),
        lastValueFrom(turnB.events$.pipe(agentTextDeltas(), toArray())),
      ]);
      const elapsed = performance.now() - started;
      console.log(
        `      ${textA.length + textB.length} deltas delivered in ${elapsed.toFixed(0)} ms; the slow subscriber handled ${slowEvents} events at ${WORK_MS_PER_EVENT} ms each`,
      );
      expect(textA).to.deep.equal(chunks('a'));
      expect(textB).to.deep.equal(chunks('b'));
      expect(slowEvents).to.be.greaterThan(DELTAS_PER_TURN);
    } finally {
      await codex.close();
    }
  });
});
