import { expect } from 'chai';
import * as t from 'io-ts';
import { clientRequestCodecs } from '../../src/protocol/generated/methods.js';
import { CHAT_UI_METHODS } from '../../src/relay/relay-options.js';
import { PARAM_POLICY } from '../../src/relay/relay-param-policy.js';

/** The param names a params codec of the generated protocol declares. */
function paramNames(codec: t.Mixed): string[] {
  if (codec instanceof t.RecursiveType) return paramNames(codec.type as t.Mixed);
  if (codec instanceof t.InterfaceType || codec instanceof t.PartialType) return Object.keys(codec.props as object);
  if (codec instanceof t.IntersectionType || codec instanceof t.UnionType) return (codec.types as t.Mixed[]).flatMap(paramNames);
  return [];
}

describe('relay param policy table', () => {
  it('classifies every param of every chat UI method of the generated protocol, and no other', () => {
    for (const method of CHAT_UI_METHODS) {
      const codec = clientRequestCodecs[method as keyof typeof clientRequestCodecs];
      expect(codec, method).to.not.equal(undefined);
      const declared = [...new Set(paramNames(codec.params as t.Mixed))].sort();
      expect(Object.keys(PARAM_POLICY[method] ?? {}).sort(), method).to.deep.equal(declared);
    }
    expect(Object.keys(PARAM_POLICY).sort()).to.deep.equal([...CHAT_UI_METHODS].sort());
  });
});
