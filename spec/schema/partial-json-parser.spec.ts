import { expect } from 'chai';
import fc from 'fast-check';
import { PartialJsonError, PartialJsonParser } from '../../src/schema/partial-json-parser.js';
import { isPartialOf } from './is-partial-of.js';

/** Feeds `text` cut at `cuts`; returns every snapshot taken after a chunk that changed the value, and the end value. */
function feed(text: string, cuts: readonly number[]): { snapshots: unknown[]; value: unknown } {
  const parser = new PartialJsonParser();
  const snapshots: unknown[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    parser.push(text.slice(from, cut));
    from = cut;
    if (parser.dirty) snapshots.push(parser.snapshot());
  }
  return { snapshots, value: parser.finish() };
}

const cutsOf = (text: string) => fc.uniqueArray(fc.integer({ min: 0, max: text.length }), { maxLength: 40 }).map((cuts) => cuts.sort((a, b) => a - b));

describe('PartialJsonParser', () => {
  it('shows strings as they grow, keys once their value begins, and numbers and literals once complete', () => {
    const parser = new PartialJsonParser();
    const steps: [string, unknown][] = [
      ['{"ti', {}],
      ['tle":', {}],
      ['"Re\\', { title: 'Re' }],
      ['u00e9', { title: 'Reé' }],
      ['view","score":4', { title: 'Reéview' }],
      ['2,"ok":tr', { title: 'Reéview', score: 42 }],
      ['ue,"tags":["a', { title: 'Reéview', score: 42, ok: true, tags: ['a'] }],
      ['b",nu', { title: 'Reéview', score: 42, ok: true, tags: ['ab'] }],
      ['ll]}', { title: 'Reéview', score: 42, ok: true, tags: ['ab', null] }],
    ];
    for (const [chunk, expected] of steps) {
      expect(parser.push(chunk)).to.equal(true);
      expect(parser.snapshot(), chunk).to.deep.equal(expected);
    }
    expect(parser.finish()).to.deep.equal({ title: 'Reéview', score: 42, ok: true, tags: ['ab', null] });
  });

  it('makes a new snapshot only where the value changed, sharing complete values', () => {
    const parser = new PartialJsonParser();
    parser.push('{"done":{"x":[1,2]},"open":["a"');
    const first = parser.snapshot() as { done: unknown; open: unknown };
    expect(parser.snapshot()).to.equal(first);
    parser.push('  ');
    expect(parser.dirty).to.equal(false);
    parser.push(',"b"');
    const second = parser.snapshot() as { done: unknown; open: unknown };
    expect(second).to.not.equal(first);
    expect(second.done).to.equal(first.done);
    expect(first.open).to.deep.equal(['a']);
    expect(second.open).to.deep.equal(['a', 'b']);
  });

  it('gathers deltas into fewer snapshots while the open containers are large, so that all snapshots cost linear time', () => {
    const parser = new PartialJsonParser();
    parser.push(`[${Array.from({ length: 1000 }, (_, i) => i).join(',')},`);
    expect(parser.snapshotDue).to.equal(true);
    expect((parser.snapshot() as unknown[]).length).to.equal(1000);
    parser.push('7,');
    expect(parser.dirty).to.equal(true);
    expect(parser.snapshotDue, '2 characters for a copy of 1,001 entries').to.equal(false);
    parser.push('8,'.repeat(125));
    expect(parser.snapshotDue, '252 characters for a copy of 1,126 entries').to.equal(false);
    parser.push('9,'.repeat(20));
    expect(parser.snapshotDue, '292 characters for a copy of 1,146 entries').to.equal(true);
    parser.push('{"a":"b"}]');
    expect((parser.finish() as unknown[]).length).to.equal(1147);
  });

  it('keeps __proto__ an own key, as JSON.parse does', () => {
    const text = '{"__proto__":{"polluted":true},"a":"x"}';
    const { value } = feed(text, [5, 15, 30]);
    expect(value).to.deep.equal(JSON.parse(text));
    expect(Object.getPrototypeOf(value)).to.equal(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it('reports where a text stops being JSON, and a text that ends too early', () => {
    const parser = new PartialJsonParser();
    expect(parser.push('{"a" 1}')).to.equal(false);
    expect(parser.error).to.be.instanceOf(PartialJsonError);
    expect(parser.error?.at).to.equal(5);
    expect(() => parser.finish()).to.throw(PartialJsonError, /expected ':' at 5/);
    const cut = new PartialJsonParser();
    cut.push('{"a":[1,');
    expect(() => cut.finish()).to.throw(PartialJsonError, /unexpected end/);
    const trailing = new PartialJsonParser();
    trailing.push('{} {}');
    expect(() => trailing.finish()).to.throw(PartialJsonError, /after the value at 3/);
  });

  it('over any JSON value cut anywhere: every snapshot extends the one before, and the end value is JSON.parse of the whole text', () => {
    const texts = fc.tuple(fc.jsonValue(), fc.constantFrom(undefined, 0, 2)).map(([value, indent]) => JSON.stringify(value, null, indent));
    fc.assert(
      fc.property(texts.chain((text) => fc.tuple(fc.constant(text), cutsOf(text))), ([text, cuts]) => {
        const { snapshots, value } = feed(text, cuts);
        const expected = JSON.parse(text);
        expect(value).to.deep.equal(expected);
        for (let i = 0; i < snapshots.length; i += 1) {
          expect(isPartialOf(snapshots[i], expected), `snapshot ${i} of ${text}`).to.equal(true);
          if (i > 0) expect(isPartialOf(snapshots[i - 1], snapshots[i]), `snapshot ${i} extends ${i - 1}`).to.equal(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('over any text cut anywhere: refuses exactly what JSON.parse refuses', () => {
    const alphabet = fc.constantFrom(...'{}[]:,"\\ \n\t0123456789-+.eEtruefalsnu\u0001ab'.split(''));
    const texts = fc.oneof(
      fc.array(alphabet, { maxLength: 30 }).map((chars) => chars.join('')),
      // Valid JSON with one character changed, dropped or added.
      fc.tuple(fc.jsonValue().map((value) => JSON.stringify(value)), fc.nat(), alphabet, fc.constantFrom(0, 1, 2)).map(([text, at, char, edit]) => {
        const i = text.length === 0 ? 0 : at % text.length;
        return edit === 0 ? text.slice(0, i) + char + text.slice(i + 1) : edit === 1 ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + char + text.slice(i);
      }),
    );
    fc.assert(
      fc.property(texts.chain((text) => fc.tuple(fc.constant(text), cutsOf(text))), ([text, cuts]) => {
        let expected: { value: unknown } | undefined;
        try {
          expected = { value: JSON.parse(text) };
        } catch {
          expected = undefined;
        }
        let got: { value: unknown } | undefined;
        try {
          got = { value: feed(text, cuts).value };
        } catch (error) {
          expect(error).to.be.instanceOf(PartialJsonError);
          got = undefined;
        }
        expect(got, JSON.stringify(text)).to.deep.equal(expected);
      }),
      { numRuns: 1500 },
    );
  });
});
