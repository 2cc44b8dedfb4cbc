import { expect } from 'chai';
import { of } from 'rxjs';
import type { IncomingServerRequest } from '../../src/connection/server-request.js';
import { answerServerRequests } from '../../src/operators/answer-server-requests.js';
import { marbleScheduler } from './fixtures.js';

/** A server request that records how it was answered. */
function request(method: string) {
  const answers: unknown[] = [];
  let answered = false;
  const record = (answer: unknown) => {
    if (answered) return;
    answered = true;
    answers.push(answer);
  };
  const incoming = {
    id: method,
    method,
    params: { command: 'ls' },
    get answered() {
      return answered;
    },
    respond: (answer: unknown) => record(answer),
    reject: (message: string) => record({ rejected: message }),
    decline: () => record('declined'),
  } as unknown as IncomingServerRequest;
  return { incoming, answers };
}

const APPROVAL = 'item/commandExecution/requestApproval';
type Decline = { readonly decision: 'decline' };

describe('answerServerRequests', () => {
  it('answers its method when the answer arrives, passes the others on in order, and unsubscribes the source on teardown', () => {
    const approval = request(APPROVAL);
    const other = request('item/tool/requestUserInput');
    marbleScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b----', { a: approval.incoming, b: other.incoming });
      const answer = cold('---x|', { x: { decision: 'decline' as const } });
      expectObservable(source.pipe(answerServerRequests(APPROVAL, () => answer)), '^------!').toBe('---b----', { b: other.incoming });
      expectSubscriptions(source.subscriptions).toBe('^------!');
      expectSubscriptions(answer.subscriptions).toBe('-^--!');
    });
    expect(approval.answers).to.deep.equal([{ decision: 'decline' }]);
    expect(other.answers).to.deep.equal([]);
  });

  it('declines when the answer fails, completes empty, or is torn down first; never accepts for the user', () => {
    const failing = request(APPROVAL);
    const empty = request(APPROVAL);
    const abandoned = request(APPROVAL);
    marbleScheduler().run(({ cold, hot, expectObservable }) => {
      const source = hot('-a-b-c--', { a: failing.incoming, b: empty.incoming, c: abandoned.incoming });
      const answers = [cold<Decline>('-#'), cold<Decline>('-|'), cold<Decline>('-----x', { x: { decision: 'decline' } })];
      let next = 0;
      expectObservable(source.pipe(answerServerRequests(APPROVAL, () => answers[next++]!)), '^------!').toBe('--------');
    });
    expect([failing.answers, empty.answers, abandoned.answers]).to.deep.equal([['declined'], ['declined'], ['declined']]);
  });

  it('leaves a request already answered elsewhere alone, and a throwing answer declines', () => {
    const answeredElsewhere = request(APPROVAL);
    (answeredElsewhere.incoming.respond as (answer: unknown) => void)({ decision: 'accept' });
    const throwing = request(APPROVAL);
    let calls = 0;
    of(answeredElsewhere.incoming, throwing.incoming)
      .pipe(
        answerServerRequests(APPROVAL, () => {
          calls += 1;
          throw new Error('no dialog');
        }),
      )
      .subscribe({ error: () => expect.fail('the error reaches no subscriber') });
    expect(calls).to.equal(1);
    expect(answeredElsewhere.answers).to.deep.equal([{ decision: 'accept' }]);
    expect(throwing.answers).to.deep.equal(['declined']);
  });
});
