import { expect } from 'chai';
import fc from 'fast-check';
import { IdMap } from '../../src/internal/id-map.js';

describe('IdMap', () => {
  it('answers every get, has and size as a Map does, through sets, deletes, clears and growth', () => {
    // Short keys over a small alphabet collide in their last characters; long runs grow the buckets.
    const key = fc.oneof(fc.stringMatching(/^[ab]{0,5}$/), fc.uuid(), fc.nat(5_000).map((n) => `turn_${n}`));
    const op = fc.oneof(
      { arbitrary: fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }), weight: 60 },
      { arbitrary: fc.record({ kind: fc.constant('delete' as const), key }), weight: 39 },
      { arbitrary: fc.record({ kind: fc.constant('clear' as const) }), weight: 1 },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3_000 }), fc.array(key, { maxLength: 50 }), (ops, probes) => {
        const ids = new IdMap<number>();
        const map = new Map<string, number>();
        for (const step of ops) {
          if (step.kind === 'set') {
            ids.set(step.key, step.value);
            map.set(step.key, step.value);
          } else if (step.kind === 'delete') {
            expect(ids.delete(step.key)).to.equal(map.delete(step.key));
          } else {
            ids.clear();
            map.clear();
          }
        }
        expect(ids.size).to.equal(map.size);
        expect([...ids]).to.deep.equal([...map]);
        for (const probe of [...probes, ...map.keys()]) {
          // A key built at run time, as JSON.parse builds one: not the same string object as the stored key.
          const fresh = JSON.parse(JSON.stringify(probe)) as string;
          expect(ids.get(fresh)).to.equal(map.get(probe));
          expect(ids.has(fresh)).to.equal(map.has(probe));
        }
      }),
      { numRuns: 60 },
    );
  });
});
