import { expect } from 'chai';
import { concurrentRound, lostFirstMessage, startAttackFixture, type AttackFixture } from './reconnect-attack-fixture.js';

const THREADS = 4;

/**
 * Attacks on the reconnection from outside: several turns at once on one connection (commands
 * approved by handlers, client-side tool calls), cut at points spread over their combined
 * messages, with and without the resume answers held back behind the live events; two cuts close
 * together; a lost `turn/start` among concurrent turns; a tool that runs across the gap.
 */
describe('reconnect attacks: concurrent turns, close cuts, lost starts, slow tools (real app-server)', function () {
  this.timeout(120_000);
  let fixture: AttackFixture;

  before(async () => {
    fixture = await startAttackFixture();
  });
  after(async () => {
    await fixture?.dispose();
  });
  afterEach(() => {
    fixture.faults.disarm();
    fixture.faults.resumeDelayMs = 0;
    fixture.faults.onResumeSent = undefined;
    fixture.faults.loseTurnStartAnswer = false;
    fixture.toolDelayMs = 0;
    fixture.onToolRun = undefined;
  });

  it(`${THREADS} threads each running a turn at once, cut at points spread over their messages, resume answers on time and late: each result as uncut`, async () => {
    const threads = await Promise.all(Array.from({ length: THREADS }, () => fixture.newThread()));
    const start = fixture.frames();
    expect(await concurrentRound(fixture, threads, 'uncut', () => undefined)).to.deep.equal([]);
    const total = fixture.frames() - start;
    expect(total).to.be.greaterThan(60);
    const failures: string[] = [];
    for (const [n, fraction] of [0.1, 0.3, 0.5, 0.7, 0.9].entries()) {
      const k = Math.max(1, Math.round(total * fraction));
      const delay = n % 2 === 0 ? 300 : 0;
      failures.push(...(await concurrentRound(fixture, threads, `cut after ${k}/${total}, resume delay ${delay}`, () => {
        fixture.faults.resumeDelayMs = delay;
        fixture.faults.cutAfter(k);
      })));
    }
    expect(failures, failures.join('\n')).to.deep.equal([]);
    expect(fixture.codex.trackedTurns).to.equal(0);
  });

  it('an agent message lost in the cut, the next one after the resume answer: both messages once, finalResponse the last', async () => {
    // The second message comes 150 ms after the resume goes out: after its answer, which is not held back.
    const { result, asked, cut } = await lostFirstMessage(fixture, 0);
    expect(cut, 'the cut came at the first message').to.equal(true);
    expect(asked).to.equal(1);
    expect(result.status).to.equal('completed');
    expect(result.items.filter((item) => item.type === 'agentMessage').map((item) => item.text)).to.have.length(2);
    expect(result.finalResponse).to.match(/^Done with m\d+\.$/);
  });

  it('a client-side tool whose run outlasts the gap, cut as it starts, resume answers late: the tool runs once, each result as uncut', async () => {
    const threads = await Promise.all(Array.from({ length: 2 }, () => fixture.newThread()));
    const failures = await concurrentRound(fixture, threads, 'cut during a slow tool', () => {
      fixture.faults.resumeDelayMs = 300;
      fixture.toolDelayMs = 1_000;
      let first = true;
      fixture.onToolRun = () => {
        if (!first) return;
        first = false;
        fixture.cutNow();
      };
    });
    expect(failures, failures.join('\n')).to.deep.equal([]);
    expect(fixture.codex.trackedTurns).to.equal(0);
  });
});
