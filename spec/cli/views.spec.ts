import { expect } from 'chai';
import { stripVTControlCharacters } from 'node:util';
import { createColors } from 'picocolors';
import type { DemoEvent } from '../../src/cli/demo/demo-event.js';
import { reduceDemoState, type DemoState } from '../../src/cli/demo/demo-state.js';
import { initialDemoState } from '../../src/cli/demo/initial-demo-state.js';
import { renderLiveView, type LiveViewOptions } from '../../src/cli/demo/live-view.js';
import { plainViewLines } from '../../src/cli/demo/plain-view.js';
import { summaryTable } from '../../src/cli/demo/summary-table.js';
import { approval, begin, completed, delta, messageDone, result, started, T0, TASKS, tokens } from './demo-fixtures.js';

const plain = createColors(false);
const colored = createColors(true);

function stateAfter(events: DemoEvent[]): DemoState {
  return events.reduce(reduceDemoState, initialDemoState(TASKS, T0));
}

const MIDWAY: DemoEvent[] = [
  started(0, 10),
  begin(0, 11),
  delta(0, 20, 'Events drift like leaves,\nmapped, '),
  started(2, 15),
  approval(2, 30, 'asked', false),
];

const FINISHED: DemoEvent[] = [
  ...MIDWAY,
  messageDone(0, 40, 'Events drift like leaves,\nmapped, filtered, merged on their way:\none stream to the sea.'),
  tokens(0, 41, 1830),
  completed(0, 42),
  result(0, 43, { finalResponse: 'Events drift like leaves,' }),
  { type: 'failed', lane: 1, message: 'TransportClosedError: the server went away', at: T0 + 44 },
  approval(2, 45, 'declined', false),
  result(2, 46, { status: 'completed', finalResponse: 'You declined the command.' }),
];

function options(overrides: Partial<LiveViewOptions> = {}): LiveViewOptions {
  return { width: 160, height: 40, colors: plain, interactive: false, model: 'scripted', ...overrides };
}

describe('the demo views', () => {
  describe('renderLiveView', () => {
    it('draws the lanes side by side in a frame of fixed size whose lines all have the same width', () => {
      const frames = [[], MIDWAY, FINISHED].map((events) => renderLiveView(stateAfter(events), options()).split('\n'));
      const heights = new Set(frames.map((frame) => frame.length));
      expect(heights.size, 'the frame does not jump as text arrives').to.equal(1);
      for (const frame of frames) {
        const widths = new Set(frame.filter((line) => line !== '').map((line) => line.length));
        expect(widths.size, frame.join('\n')).to.equal(1);
        expect([...widths][0]).to.be.at.most(159);
      }
      const midway = frames[1]!.join('\n');
      expect(midway).to.match(/haiku .*│ · observable .*│ \? shell/);
      expect(midway).to.contain('Events drift like leaves,').and.contain('mapped, ▍');
      expect(midway).to.contain('waiting for approval').and.contain('? approval: wc -l notes.txt · asked');
      const finished = frames[2]!.join('\n');
      expect(finished).to.contain('✓ haiku').and.contain('✗ observable').and.contain('failed: TransportClosedError');
      expect(finished).to.contain('tokens 1,829 in · 1 out').and.contain('✗ approval: wc -l notes.txt · declined');
    });

    it('asks the approval question at the bottom only when a person answers', () => {
      const state = stateAfter(MIDWAY);
      expect(renderLiveView(state, options({ interactive: true }))).to.contain('Allow shell to run: wc -l notes.txt  [y/N]');
      expect(renderLiveView(state, options({ interactive: false }))).to.not.contain('[y/N]');
    });

    it('stacks the lanes when the terminal is too narrow for three columns', () => {
      const frame = renderLiveView(stateAfter(MIDWAY), options({ width: 60, height: 60 })).split('\n');
      for (const line of frame) expect(line.length).to.be.at.most(59);
      expect(frame.filter((line) => /^\S \S+ +\S*$/.test(line) && /haiku|observable|shell/.test(line))).to.have.length(3);
    });

    it('colours change nothing but the colours', () => {
      const state = stateAfter(FINISHED);
      expect(stripVTControlCharacters(renderLiveView(state, options({ colors: colored })))).to.equal(renderLiveView(state, options()));
    });
  });

  describe('plainViewLines', () => {
    it('prints each line of text once, as soon as it is complete, then the items and the outcome', () => {
      const lines: string[] = [];
      let state = initialDemoState(TASKS, T0);
      for (const event of FINISHED) {
        const next = reduceDemoState(state, event);
        lines.push(...plainViewLines(state, next, plain));
        state = next;
      }
      expect(lines.filter((line) => line.startsWith('haiku'))).to.deep.equal([
        'haiku      │ ▶ Write a haiku about reactive streams.',
        'haiku      │   Events drift like leaves,',
        'haiku      │   mapped, filtered, merged on their way:',
        'haiku      │   one stream to the sea.',
        'haiku      │ ✓ message · 15 words',
        'haiku      │ ✓ completed in 0.0s · tokens 1,829 in, 1 out',
      ]);
      expect(lines).to.include('observable │ ✗ failed: TransportClosedError: the server went away');
      expect(lines).to.include.members(['shell      │ ? approval: wc -l notes.txt · asked', 'shell      │ ✗ approval: wc -l notes.txt · declined']);
    });
  });

  describe('summaryTable', () => {
    it('has a row per thread from its TurnResult, or its error', () => {
      const table = summaryTable(stateAfter(FINISHED).lanes, { width: 120, colors: plain });
      expect(table).to.match(/│ haiku +│ completed +│ 0 +│ – +│ 2\.0s +│ Events drift like leaves, +│/);
      expect(table).to.match(/│ observable +│ failed +│ – +│ – +│ – +│ TransportClosedError: the server went away +│/);
      expect(table).to.contain('You declined the command.');
      for (const line of table.split('\n')) expect(line.length).to.be.at.most(120);
    });
  });
});
