import { expect } from 'chai';
import * as t from 'io-ts';
import { lastValueFrom, toArray } from 'rxjs';
import { z } from 'zod';
import { OutputValidationError } from '../../src/turns/output-validation-error.js';
import { SchemaError } from '../../src/schema/schema-error.js';
import { resolveSchema } from '../../src/schema/resolve-schema.js';
import { assistantMessage } from '../../src/testing/script/assistant-message.js';
import { deltas } from '../../src/testing/script/deltas.js';
import { response } from '../../src/testing/script/response.js';
import { startScriptedCodex, type ScriptedCodex } from '../../src/testing/scripted-codex.js';
import { isPartialOf } from '../schema/is-partial-of.js';

const Review = z.object({
  verdict: z.enum(['approve', 'reject']),
  summary: z.string(),
  findings: z.array(z.object({ file: z.string(), line: z.number().int(), note: z.string() })),
});

const review = {
  verdict: 'reject',
  summary: 'Two problems, one "quoted"\nand a second line; é ✓',
  findings: [
    { file: 'src/a.ts', line: 12, note: 'unchecked index' },
    { file: 'src/b.ts', line: 340, note: 'missing test' },
  ],
} as const;

/** A text cut into chunks of 1 to 4 characters, so that strings, numbers, keys and escapes are split. */
function chunks(text: string): string[] {
  const out: string[] = [];
  for (let i = 0, size = 1; i < text.length; i += size, size = (size % 4) + 1) out.push(text.slice(i, i + size));
  return out;
}

describe('typed output against the real app-server', function () {
  this.timeout(60_000);
  let scripted: ScriptedCodex;
  // One server for the whole suite: each test runs its turns on a thread of its own.
  before(async () => {
    scripted = await startScriptedCodex();
  });
  after(async () => {
    await scripted?.dispose();
  });

  it('run() with a zod schema: the model gets its output() JSON Schema, strict, and result.output is the validated value', async () => {
    const text = JSON.stringify(review);
    scripted.mock.enqueue(response(assistantMessage('{"looking": "at the diff"}', { phase: 'commentary' }), deltas(chunks(text), { phase: 'final_answer' })));
    const thread = await scripted.codex.threadStart();
    const before = scripted.mock.requests.length;
    const result = await thread.run('Review the diff', { output: Review });
    expect(result.status).to.equal('completed');
    expect(result.output).to.deep.equal(review);
    expect(result.finalResponse).to.equal(text);
    const request = scripted.mock.requests[before]!.body as { text: { format: unknown } };
    expect(request.text.format).to.deep.equal({ type: 'json_schema', strict: true, name: 'codex_output_schema', schema: resolveSchema(Review).jsonSchema });
  });

  it('turn.output$ emits partial objects in order, each extending the one before and a partial of the final, then the validated value; commentary is not parsed', async () => {
    const text = JSON.stringify(review, null, 1);
    const pieces = chunks(text);
    scripted.mock.enqueue(response(deltas(['{"commentary": [1, 2'], { phase: 'commentary' }), deltas(pieces, { phase: 'final_answer', delayMs: 1 })));
    const thread = await scripted.codex.threadStart();
    const turn = await thread.turn('Review the diff', { output: Review });
    const emitted = await lastValueFrom(turn.output$.pipe(toArray()));
    const final = emitted[emitted.length - 1];
    expect(final).to.deep.equal(review);
    // Many partials, none from the commentary, and none repeated for a delta that added nothing.
    expect(emitted.length).to.be.greaterThan(40).and.lessThan(pieces.length + 2);
    for (let i = 0; i < emitted.length; i += 1) {
      expect(emitted[i]).to.not.have.property('commentary');
      expect(isPartialOf(emitted[i], review), `partial ${i}`).to.equal(true);
      if (i > 0) {
        expect(isPartialOf(emitted[i - 1], emitted[i]), `partial ${i} extends ${i - 1}`).to.equal(true);
        expect(emitted[i]).to.not.equal(emitted[i - 1]);
      }
    }
    // A string seen while it grows, and an object seen before all its keys.
    const partials = emitted as { summary?: string; findings?: { note?: string }[] }[];
    expect(partials.some((p) => p.summary !== undefined && p.summary.length > 5 && p.summary.length < review.summary.length)).to.equal(true);
    expect(partials.some((p) => p.findings?.length === 1 && p.findings[0]!.note === undefined)).to.equal(true);
  });

  it('thread.output$ starts the turn on subscribe and streams a phase-less final message the same way', async () => {
    scripted.mock.enqueue(response(deltas(chunks('{"verdict":"approve","summary":"ok","findings":[]}'))));
    const thread = await scripted.codex.threadStart();
    const emitted = await lastValueFrom(thread.output$('Review', { output: Review }).pipe(toArray()));
    expect(emitted[0]).to.deep.equal({});
    expect(emitted[emitted.length - 1]).to.deep.equal({ verdict: 'approve', summary: 'ok', findings: [] });
  });

  it('a final answer that is not JSON, or does not validate, rejects with OutputValidationError carrying the text, the issues and the result', async () => {
    scripted.mock.enqueue(
      response(assistantMessage('Looks good to me!', { phase: 'final_answer' })),
      response(deltas(['{"verdict":"maybe","summary":"x",', '"findings":[{"file":"a","line":"7","note":"n"}]}'], { phase: 'final_answer' })),
      response(assistantMessage('{"verdict":"approve"', { phase: 'final_answer' })),
    );
    const thread = await scripted.codex.threadStart();
    const prose = await thread.run('Review', { output: Review }).catch((error: unknown) => error);
    expect(prose).to.be.instanceOf(OutputValidationError);
    expect((prose as OutputValidationError).text).to.equal('Looks good to me!');
    expect((prose as OutputValidationError).issues[0]!.message).to.match(/not JSON/);
    expect((prose as OutputValidationError).result.status).to.equal('completed');
    expect((prose as OutputValidationError).result.finalResponse).to.equal('Looks good to me!');

    const turn = await thread.turn('Review', { output: Review });
    const invalid = await lastValueFrom(turn.output$).catch((error: unknown) => error);
    expect(invalid).to.be.instanceOf(OutputValidationError);
    expect((invalid as OutputValidationError).issues.map((issue) => issue.path)).to.deep.equal([['verdict'], ['findings', 0, 'line']]);
    expect((invalid as OutputValidationError).message).to.match(/\$\.verdict: .*; \$\.findings\[0\]\.line: /);

    const cut = await lastValueFrom(thread.run$('Review', { output: Review })).catch((error: unknown) => error);
    expect(cut).to.be.instanceOf(OutputValidationError);
    expect((cut as OutputValidationError).text).to.equal('{"verdict":"approve"');
  });

  it('a schema strict mode would refuse fails the call with SchemaError naming the paths, and nothing reaches the model', async () => {
    const thread = await scripted.codex.threadStart();
    const before = scripted.mock.requests.length;
    const Loose = z.object({ verdict: z.string(), note: z.string().optional(), tags: z.record(z.string(), z.string()) });
    const error = await thread.run('Review', { output: Loose }).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(SchemaError);
    expect((error as SchemaError).violations.map((v) => v.path)).to.deep.equal(['$.properties.note', '$.properties.tags.propertyNames', '$.properties.tags']);
    const viaTurn = await thread.turn('Review', { output: Loose }).catch((caught: unknown) => caught);
    expect(viaTurn).to.be.instanceOf(SchemaError);
    const viaStream = await lastValueFrom(thread.run$('Review', { output: { type: 'object', properties: { a: { type: 'string' } } } })).catch((caught: unknown) => caught);
    expect(viaStream).to.be.instanceOf(SchemaError);
    // The model got no request, and the thread's next turn carries no trace of the refused ones.
    expect(scripted.mock.requests.length).to.equal(before);
    scripted.mock.enqueue(response(assistantMessage('done')));
    await thread.run('After');
    expect(scripted.mock.requests.length).to.equal(before + 1);
    expect(scripted.mock.requests[before]!.userTexts()).to.include('After').and.not.include('Review');
  });

  it('accepts an io-ts codec beside a JSON Schema, and a raw JSON Schema (output unknown)', async () => {
    const jsonSchema = {
      type: 'object',
      properties: { ok: { type: 'boolean' }, count: { type: 'integer' } },
      required: ['ok', 'count'],
      additionalProperties: false,
    };
    scripted.mock.enqueue(
      response(assistantMessage('{"ok":true,"count":3}', { phase: 'final_answer' })),
      response(assistantMessage('{"ok":"yes","count":3}', { phase: 'final_answer' })),
      response(assistantMessage('{"ok":false,"count":0}', { phase: 'final_answer' })),
    );
    const thread = await scripted.codex.threadStart();
    const Codec = t.type({ ok: t.boolean, count: t.number });
    const typed = await thread.run('Count', { output: { schema: Codec, jsonSchema } });
    expect(typed.output).to.deep.equal({ ok: true, count: 3 });
    const invalid = await thread.run('Count', { output: { schema: Codec, jsonSchema } }).catch((error: unknown) => error);
    expect((invalid as OutputValidationError).issues.map((issue) => issue.path)).to.deep.equal([['ok']]);
    const before = scripted.mock.requests.length;
    const raw = await thread.run('Count', { output: jsonSchema });
    expect(raw.output).to.deep.equal({ ok: false, count: 0 });
    expect((scripted.mock.requests[before]!.body as { text: { format: { schema: unknown } } }).text.format.schema).to.deep.equal(jsonSchema);
  });
});
