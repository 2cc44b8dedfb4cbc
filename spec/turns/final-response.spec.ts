import { expect } from 'chai';
import { map, scan } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { completedItems } from '../../src/operators/completed-items.js';
import { finalResponse } from '../../src/turns/final-response.js';
import type { ThreadItem } from '../../src/protocol/generated/codecs.js';
import type { ServerNotification } from '../../src/protocol/server-notification.js';
import { agentMessage, commandItem, itemCompleted, marbleScheduler, planItem, reasoningItem, turnStarted } from '../operators/fixtures.js';

describe('finalResponse', () => {
  it('is null without items, or without agent messages', () => {
    expect(finalResponse([])).to.equal(null);
    expect(finalResponse([reasoningItem('r1'), commandItem('c1', 'ls', 0), planItem('p1', 'the plan')])).to.equal(null);
  });

  it('is the last of two messages without a phase', () => {
    expect(finalResponse([agentMessage('m1', 'First'), agentMessage('m2', 'Second')])).to.equal('Second');
  });

  it('treats a null phase as no phase', () => {
    expect(finalResponse([agentMessage('m1', 'First', null), agentMessage('m2', 'Second', null)])).to.equal('Second');
    expect(finalResponse([agentMessage('m1', 'First'), agentMessage('m2', 'Second', null)])).to.equal('Second');
  });

  it('counts an empty last message: "First" then "" is ""', () => {
    expect(finalResponse([agentMessage('m1', 'First'), agentMessage('m2', '')])).to.equal('');
  });

  it('is null when there is only commentary (or partial answers)', () => {
    expect(finalResponse([agentMessage('m1', 'Looking…', 'commentary')])).to.equal(null);
    expect(finalResponse([agentMessage('m1', 'Looking…', 'commentary'), agentMessage('m2', 'Half', 'partial_answer')])).to.equal(null);
  });

  it('is the final answer after commentary', () => {
    expect(finalResponse([agentMessage('m1', 'Looking…', 'commentary'), agentMessage('m2', 'Answer', 'final_answer')])).to.equal('Answer');
  });

  it('is the final answer even when commentary comes after it', () => {
    expect(finalResponse([agentMessage('m1', 'Answer', 'final_answer'), agentMessage('m2', 'PS', 'commentary')])).to.equal('Answer');
  });

  it('prefers an earlier final answer over a later message without a phase', () => {
    expect(finalResponse([agentMessage('m1', 'Answer', 'final_answer'), agentMessage('m2', 'Later')])).to.equal('Answer');
    expect(finalResponse([agentMessage('m0', 'Before'), agentMessage('m1', 'Answer', 'final_answer'), agentMessage('m2', '')])).to.equal('Answer');
  });

  it('prefers an empty final answer over a phase-less message', () => {
    expect(finalResponse([agentMessage('m1', 'Later'), agentMessage('m2', '', 'final_answer')])).to.equal('');
  });

  it('is the last of several final answers', () => {
    expect(
      finalResponse([agentMessage('m1', 'One', 'final_answer'), agentMessage('m2', 'Two', 'final_answer'), agentMessage('m3', 'x')]),
    ).to.equal('Two');
  });

  it('skips the other item types between messages', () => {
    expect(
      finalResponse([agentMessage('m1', 'Only'), commandItem('c1', 'ls', 0), reasoningItem('r1'), planItem('p1', 'plan text')]),
    ).to.equal('Only');
  });

  it('does not change its input', () => {
    const items = [agentMessage('m1', 'A', 'commentary'), agentMessage('m2', 'B')];
    const copy = structuredClone(items);
    finalResponse(items);
    expect(items).to.deep.equal(copy);
  });

  describe('over a stream of completed items', () => {
    let scheduler: TestScheduler;
    beforeEach(() => {
      scheduler = marbleScheduler();
    });

    it('gives the answer so far after each item', () => {
      const items: Record<string, ThreadItem> = {
        a: agentMessage('m1', 'Looking…', 'commentary'),
        b: agentMessage('m2', 'Draft'),
        x: commandItem('c1', 'ls', 0),
        c: agentMessage('m3', 'Answer', 'final_answer'),
        d: agentMessage('m4', 'PS'),
      };
      const events: Record<string, ServerNotification> = { s: turnStarted('u1') };
      for (const [key, item] of Object.entries(items)) events[key] = itemCompleted('u1', item);
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const source = cold('-s-a-b-x-c-d|', events);
        const answers = source.pipe(
          completedItems(),
          scan((all, item) => [...all, item], [] as ThreadItem[]),
          map(finalResponse),
        );
        expectObservable(answers).toBe('---n-b-b-c-c|', { n: null, b: 'Draft', c: 'Answer' });
        expectSubscriptions(source.subscriptions).toBe('^-----------!');
      });
    });
  });
});
