import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-process.js';

// With --scripted and --output-schema the scripted model answers with the prompt itself, so the
// prompt chooses the answer: valid, invalid, or not JSON.
describe('codex-rx run --output-schema (the CLI as a child process, against the real app-server)', function () {
  this.timeout(60_000);
  let dir: string;
  let schemaFile: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'codex-rx-output-'));
    schemaFile = join(dir, 'review.schema.json');
    await writeFile(
      schemaFile,
      JSON.stringify({
        type: 'object',
        properties: { verdict: { type: 'string', enum: ['approve', 'reject'] }, lines: { type: 'array', items: { type: 'integer' } } },
        required: ['verdict', 'lines'],
        additionalProperties: false,
      }),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints the validated object, and with --json on one line', async () => {
    const answer = '{"verdict": "reject", "lines": [3, 14]}';
    const pretty = await runCli(['run', '--scripted', '--output-schema', schemaFile, answer]);
    expect(pretty.code, pretty.stderr).to.equal(0);
    expect(pretty.stdout).to.equal(`${JSON.stringify({ verdict: 'reject', lines: [3, 14] }, null, 2)}\n`);
    const json = await runCli(['run', '--scripted', '--json', '--output-schema', schemaFile, answer]);
    expect(json.code, json.stderr).to.equal(0);
    expect(json.stdout).to.equal('{"verdict":"reject","lines":[3,14]}\n');
  });

  it('exits 1 with the issues when the answer does not validate or is not JSON', async () => {
    const invalid = await runCli(['run', '--scripted', '--output-schema', schemaFile, '{"verdict": "maybe", "lines": [1.5]}']);
    expect(invalid.code).to.equal(1);
    expect(invalid.stdout).to.equal('');
    expect(invalid.stderr).to.match(/does not follow --output-schema:\n {2}\$\.verdict: expected one of .*\n {2}\$\.lines\[0\]: expected integer, got number\n/);
    const prose = await runCli(['run', '--scripted', '--output-schema', schemaFile, 'Looks fine to me']);
    expect(prose.code).to.equal(1);
    expect(prose.stderr).to.match(/\$: the final answer is not JSON/).and.match(/the answer was: Looks fine to me/);
  });

  it('exits 2 before starting anything for a schema strict mode would refuse, naming the paths', async () => {
    const loose = join(dir, 'loose.schema.json');
    await writeFile(loose, JSON.stringify({ type: 'object', properties: { a: { type: 'string', minLength: 1 } } }));
    const outcome = await runCli(['run', '--scripted', '--output-schema', loose, '{}']);
    expect(outcome.code).to.equal(2);
    expect(outcome.stderr).to.contain('$: additionalProperties must be false').and.contain('$.properties.a: property "a" is not in required').and.contain('$.properties.a.minLength');
    const missing = await runCli(['run', '--scripted', '--output-schema', join(dir, 'nope.json'), '{}']);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain('cannot be read (ENOENT)');
  });
});
