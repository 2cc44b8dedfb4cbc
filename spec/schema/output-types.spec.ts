// Compile-time checks of the typed output API: `npm run typecheck` compiles this file, so a
// wrong inference fails the build (each `@ts-expect-error` fails it too when the error is gone).
// The mocha test only makes sure the file loads.
import { expect } from 'chai';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import * as t from 'io-ts';
import type { Observable } from 'rxjs';
import { z } from 'zod';
import type { Thread } from '../../src/client/thread.js';
import type { DeepPartial } from '../../src/schema/deep-partial.js';
import type { SchemaInput, SchemaOutput } from '../../src/schema/schema-input.js';
import type { TurnResult } from '../../src/turns/turn-result.js';

/** True when A and B are the same type (not merely assignable either way). */
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
function expectType<_Check extends true>(): void {}

const Review = z.object({ verdict: z.enum(['approve', 'reject']), line: z.number().nullable(), tags: z.array(z.string()) });
type Review = { verdict: 'approve' | 'reject'; line: number | null; tags: string[] };
const jsonSchema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false } as const;

expectType<Equal<SchemaOutput<typeof Review>, Review>>();
expectType<Equal<SchemaOutput<{ schema: t.Type<{ ok: boolean }>; jsonSchema: typeof jsonSchema }>, { ok: boolean }>>();
expectType<Equal<SchemaOutput<{ schema: StandardSchemaV1<unknown, { n: number }>; jsonSchema: typeof jsonSchema }>, { n: number }>>();
expectType<Equal<SchemaOutput<typeof jsonSchema>, unknown>>();
expectType<Equal<DeepPartial<Review>, { verdict?: 'approve' | 'reject'; line?: number | null; tags?: string[] }>>();

// Compiled, never called: the types of the calls.
export async function inferred(thread: Thread): Promise<void> {
  const result = await thread.run('Review', { output: Review, effort: 'high' });
  expectType<Equal<typeof result.output, Review>>();
  const plain: TurnResult = result;
  // @ts-expect-error a run without `output` has no output
  void (await thread.run('Review')).output;
  // @ts-expect-error the output has only the schema's keys
  void result.output.score;

  const viaCodec = await thread.run('Count', { output: { schema: t.type({ ok: t.boolean }), jsonSchema } });
  expectType<Equal<typeof viaCodec.output, { ok: boolean }>>();
  const raw = await thread.run('Count', { output: jsonSchema });
  expectType<Equal<typeof raw.output, unknown>>();

  const turn = await thread.turn('Review', { output: Review });
  expectType<Equal<typeof turn.output$, Observable<DeepPartial<Review>>>>();
  const stream = thread.output$('Review', { output: Review });
  expectType<Equal<typeof stream, Observable<DeepPartial<Review>>>>();
  thread.run$('Review', { output: Review }).subscribe((typed) => expectType<Equal<typeof typed.output, Review>>());

  // A Standard Schema without Standard JSON Schema is not a schema on its own: it needs its JSON Schema beside it.
  const validatorOnly = {} as StandardSchemaV1<unknown, { n: number }>;
  // @ts-expect-error no JSON Schema to send to the model
  const refused: SchemaInput = validatorOnly;
  void refused;
  void plain;
}

describe('typed output types', () => {
  it('are checked by the compiler (npm run typecheck compiles this file)', () => {
    expect(inferred).to.be.a('function');
  });
});
