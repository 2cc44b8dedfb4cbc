import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Example, RunReport } from '../../examples/support/run-example.js';

const EXAMPLES_DIR = join(import.meta.dirname, '../../examples');

/** Runs an example offline, against the real app-server and its scripted model, without printing. */
async function run(file: string, input?: readonly string[]): Promise<RunReport & { lines: string[] }> {
  const example = (await import(join(EXAMPLES_DIR, file))) as Example;
  // Imported, not required, like the examples themselves: mocha requires spec files, and a
  // required 'codex-rx' would be a second copy whose error classes fail the examples' instanceof.
  const { runExample } = await import('../../examples/support/run-example.js');
  const report = await runExample(example, { write: () => undefined, ...(input === undefined ? {} : { input }) });
  return { ...report, lines: report.output.split('\n') };
}

/** The text of every image the model was sent, as `input_image` URLs. */
function imageUrls(report: RunReport): string[] {
  return report.requests.flatMap((request) =>
    request.input
      .filter((item) => item['role'] === 'user')
      .flatMap((item) => (item['content'] as Array<Record<string, unknown>>) ?? [])
      .filter((span) => span['type'] === 'input_image')
      .map((span) => String(span['image_url'])),
  );
}

describe('examples, run offline against the real app-server', function () {
  this.timeout(60_000);

  it('01 quickstart prints the server version and the answer', async () => {
    const { lines } = await run('01-quickstart.ts');
    expect(lines[0]).to.match(/^app-server: \d+\.\d+\.\d+/);
    expect(lines).to.include.members(['status: completed', 'answer: Hello! I am Codex, ready to help with your code.']);
  });

  it('02 turn run prints every TurnResult field', async () => {
    const { lines, output } = await run('02-turn-run.ts');
    expect(lines.find((line) => line.startsWith('turn: '))).to.match(/^turn: \S+$/);
    expect(lines).to.include.members([
      'status: completed',
      'error: none',
      'items: userMessage, agentMessage, agentMessage',
      'usage: 1200 in (800 cached), 60 out, 1260 total',
    ]);
    expect(output).to.contain('final response:\n- One instruction, many data lanes\n');
    expect(output).not.to.contain('final response:\nLooking at');
  });

  it('03 stream events prints each event from turn/started to turn/completed, deltas in order', async () => {
    const { lines } = await run('03-stream-events.ts');
    const events = lines.slice(0, lines.findIndex((line) => line.startsWith('events: ')));
    expect(events[0]).to.equal('turn/started');
    expect(events.at(-1)).to.equal('turn/completed completed');
    const deltas = events.filter((line) => line.startsWith('item/agentMessage/delta'));
    expect(deltas).to.deep.equal(['1, ', '2, ', '3, ', '4, ', '5. ', 'Counting is fun.'].map((d) => `item/agentMessage/delta ${JSON.stringify(d)}`));
    expect(lines).to.include(`events: ${events.length}`);
  });

  it('04 existing thread resumes by id, and the model gets the earlier turn as history', async () => {
    const { lines, requests } = await run('04-existing-thread.ts');
    const created = /^created thread (\S+): Saturn is less dense than water\.$/.exec(lines[0] ?? '');
    expect(created, lines[0]).to.not.equal(null);
    expect(lines[1]).to.equal(`resumed thread ${created![1]}: Its rings are mostly ice, and thinner than a kilometre.`);
    expect(lines).to.include('turns in the thread: 2');
    expect(requests[1]!.userTexts()).to.include.members(['Tell me one fact about Saturn.', 'Continue with one more fact.']);
  });

  it('18 thread goals sets, follows, reads and clears a goal', async () => {
    const { lines } = await run('18-thread-goals.ts');
    // The server answers a request before it sends the notification the change causes, or after it.
    expect(lines.filter((line) => line.startsWith('goal$: '))).to.deep.equal([
      'goal$: "Document every public function" paused, 0/50000 tokens',
      'goal$: "Document every public function" paused, 0/80000 tokens',
      'goal$: no goal',
    ]);
    expect(lines.filter((line) => line !== '' && !line.startsWith('goal$: '))).to.deep.equal([
      'getGoal: "Document every public function" paused, 0/80000 tokens',
      'cleared: true',
      'getGoal: no goal',
    ]);
  });

  it('19 thread search streams and finds the one thread that mentions zebras', async () => {
    const { lines } = await run('19-thread-search.ts');
    expect(lines.filter((line) => line.startsWith('found: '))).to.deep.equal(['found: Why do zebras have stripes?']);
    expect(lines.find((line) => line.startsWith('provisional rows: '))).to.match(/^provisional rows: [01]$/);
  });

  it('05 thread lifecycle goes through every control', async () => {
    const { lines } = await run('05-thread-lifecycle.ts');
    expect(lines.filter(Boolean)).to.deep.equal([
      'first: completed, second: completed',
      'read: "codex-rx lifecycle demo", 2 turns',
      'listed: 1 active, then 1 archived',
      'resumed: completed',
      'forked into a new thread: true, completed',
      'compacted: completed',
    ]);
  });

  it('06 image and text: a remote URL is refused before the model is called, a data URL is sent', async () => {
    const report = await run('06-image-and-text.ts');
    expect(report.lines[0]).to.contain('remote URL refused').and.contain('remote image URLs are not supported');
    expect(report.lines).to.include.members(['status: completed', '- Red, green and blue, left to right']);
    expect(report.requests).to.have.length(1);
    expect(imageUrls(report)).to.have.length(1);
    expect(imageUrls(report)[0]).to.match(/^data:image\/png;base64,/);
  });

  it('07 local image and text sends the file to the model', async () => {
    const report = await run('07-local-image-and-text.ts');
    expect(report.lines).to.include.members(['status: completed', '- Three vertical color bands: red, green, blue']);
    expect(imageUrls(report)).to.have.length(1);
    expect(imageUrls(report)[0]).to.match(/^data:image\/png;base64,/);
  });

  it('08 error handling names each error and retries only the overloaded turn', async () => {
    const { lines, requests } = await run('08-error-handling-and-retry.ts');
    expect(lines).to.include.members(['invalid params (code -32602): nothing was sent', 'InvalidRequestError -32600 from thread/resume']);
    expect(lines.filter((line) => line.startsWith('overloaded, retrying: '))).to.have.length(1);
    expect(lines).to.include('- Back off exponentially, with jitter');
    expect(lines.at(-2)).to.match(/^turn failed \("other"\): .*The model broke down/);
    expect(requests).to.have.length(3);
  });

  it('09 CLI mini app chats until /exit, streaming each answer', async () => {
    const { lines } = await run('09-cli-mini-app.ts', ['hello', '', 'What did I say?', '/exit', 'never read']);
    expect(lines).to.include.members([
      'assistant> Hi! What shall we build today?',
      'assistant> You said hello.',
      'usage> last 909 tokens, thread total 909',
      'usage> last 1005 tokens, thread total 1914',
    ]);
    expect(lines.filter((line) => line === 'status> completed')).to.have.length(2);
    expect(lines.at(-2)).to.equal('bye');
  });

  it('10 turn params reach the model: output schema, effort, summary', async () => {
    const { lines, requests } = await run('10-turn-params-kitchen-sink.ts');
    expect(lines).to.include.members(['status: completed', 'action: Ramp to 5%, then 25%, then 100%']);
    expect(lines.filter((line) => line.startsWith('action: '))).to.have.length(3);
    const body = requests[0]!.body as { text: { format: { type: string } }; reasoning: unknown };
    expect(body.text.format.type).to.equal('json_schema');
    expect(body.reasoning).to.deep.equal({ effort: 'medium', summary: 'concise' });
  });

  it('11 model select runs turns with the model and effort it picked', async () => {
    const { lines, requests } = await run('11-model-select.ts');
    const selected = /^models: \d+, selected: (\S+) \(effort (\S+)\)$/.exec(lines[0] ?? '');
    expect(selected, lines[0]).to.not.equal(null);
    expect(requests[0]!.model).to.equal(selected![1]);
    expect((requests[0]!.body as { reasoning: { effort: string } }).reasoning.effort).to.equal(selected![2]);
    expect(lines).to.include('answer: Ship small changes often, behind flags, with a fast rollback.');
  });

  it('12 turn controls steer one turn and interrupt another', async () => {
    const { lines, requests } = await run('12-turn-controls.ts');
    expect(lines.filter(Boolean)).to.deep.equal([
      'steer accepted by turn itself',
      'steer.status: completed',
      'steer.answer: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10. Stopped at ten, as asked.',
      'interrupt.status: interrupted',
    ]);
    expect(requests[1]!.userTexts()).to.include('Keep it brief and stop after 10 numbers.');
  });

  it('13 login and account start, cancel and await a browser login', async () => {
    const { lines } = await run('13-login-and-account.ts');
    expect(lines).to.include.members(['account: not logged in (requires OpenAI auth: false)', 'login.cancel: canceled', 'account afterwards: not logged in']);
    expect(lines.find((line) => line.startsWith('login.authUrl: '))).to.equal('login.authUrl: https://auth.openai.com/…');
    expect(lines.find((line) => line.startsWith('login.completed: '))).to.match(/^login\.completed: success=false/);
  });

  it('14 concurrent turns render joint progress and report each answer', async () => {
    const { lines } = await run('14-concurrent-turns.ts');
    const progress = lines.filter((line) => line.startsWith('progress: '));
    expect(progress[0]).to.equal('progress: Rust   0 | Go   0 | Zig   0');
    expect(progress.at(-1)).to.equal('progress: Rust  31 | Go  30 | Zig  32');
    expect(lines.filter((line) => line.startsWith('done: ')).sort()).to.deep.equal([
      'done: Go: Go is a systems language (★★).',
      'done: Rust: Rust is a systems language (★).',
      'done: Zig: Zig is a systems language (★★★).',
    ]);
  });

  it('15 event pipeline audits commands, counts words and tallies events from one turn', async () => {
    const { lines, requests } = await run('15-event-pipeline.ts');
    expect(lines).to.include.members(['audit: node --version → completed, exit 0', 'audit: uname -s → completed, exit 0', 'agent text: 11 words streamed']);
    const tally = lines.find((line) => line.startsWith('events: '));
    expect(tally).to.contain('turn/started ×1').and.contain('turn/completed ×1').and.contain('item/agentMessage/delta ×5');
    expect(requests).to.have.length(3);
  });

  it('16 UI state reducer renders frames from waiting to the final state', async () => {
    const { lines } = await run('16-ui-state-reducer.ts');
    const frames = lines.filter(Boolean);
    expect(frames[0]).to.equal('[working  ] steps 0 · tokens - · ""');
    expect(frames.at(-1)).to.equal('[completed] steps 2 · tokens 712 · "A reducer turns events into state."');
    expect(frames.some((frame) => frame.startsWith('[writing  ]'))).to.equal(true);
  });

  it('17 approvals are answered from serverRequests$: the touch runs, the rm does not', async () => {
    const { lines } = await run('17-approvals.ts');
    expect(lines.filter((line) => line.startsWith('approval: '))).to.have.length(2);
    expect(lines.find((line) => line.includes('touch notes.txt'))).to.match(/→ accept$/);
    expect(lines.find((line) => line.includes('rm -f notes.txt'))).to.match(/→ decline$/);
    expect(lines).to.include('notes.txt exists: true');
  });

  it('22 a file-system tool: lists, refuses a path outside the project, reads; the model answers from the file', async () => {
    const { lines } = await run('22-file-system-tool.ts');
    expect(lines).to.include.members([
      'list_files({"dir":"."}) → ok: notes.md',
      'read_file({"path":"../../etc/passwd"}) → failed: ../../etc/passwd is outside the project; use paths relative to it.',
      'read_file({"path":"notes.md"}) → ok: # Notes',
      'answer: The notes say the release is on Friday.',
    ]);
  });

  it('23 a progress tool is cancelled by an interrupt: its Observable stops with the signal aborted, the call fails', async () => {
    const { lines } = await run('23-progress-tool-interrupt.ts');
    expect(lines.filter((line) => line.startsWith('progress: '))).to.deep.equal(['progress: 10 %', 'progress: 20 %', 'progress: 30 %']);
    expect(lines).to.include.members(['build stopped; signal aborted: true', 'turn: interrupted', 'tool call: failed']);
  });

  it('runs directly as a program: npx tsx examples/01-quickstart.ts', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(EXAMPLES_DIR, '01-quickstart.ts')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, output).to.equal(0);
    expect(output).to.contain('answer: Hello! I am Codex, ready to help with your code.');
  });

  it('20 typed output prints the validated review, the findings as they stream, and the refused schema', async () => {
    const { lines } = await run('20-typed-output.ts');
    expect(lines.slice(0, 4)).to.deep.equal([
      'verdict: request-changes',
      '- src/cache.ts:42 [high] Evict on write, not on read.',
      '- src/cache.ts:77 [low] (no suggestion)',
      '- src/index.ts:3 [low] Export the Cache type.',
    ]);
    expect(lines.slice(4, 8)).to.deep.equal(['findings so far: 1', 'findings so far: 2', 'findings so far: 3', 'streamed verdict: request-changes, 3 findings']);
    expect(lines[8]).to.match(/^refused: \$\.properties\.note: property "note" is not in required/);
  });

  it('21 typed reviews fan out twenty turns and reduce their typed outputs, counting the one that does not validate', async () => {
    const { lines } = await run('21-typed-reviews-fan-out.ts');
    expect(lines).to.include.members([
      'reviewed: 19 of 20',
      'risk: 6 high, 7 medium, 6 low',
      'issues: 30',
      'high risk: src/module-03.ts, src/module-06.ts, src/module-09.ts, src/module-12.ts, src/module-15.ts, src/module-18.ts',
      'not valid: src/module-13.ts',
    ]);
  });

  it('covers every example in this spec and in examples/README.md', () => {
    const files = readdirSync(EXAMPLES_DIR).filter((name) => /^\d\d-.*\.ts$/.test(name));
    const spec = readFileSync(import.meta.filename, 'utf8');
    const readme = readFileSync(join(EXAMPLES_DIR, 'README.md'), 'utf8');
    expect(files).to.have.length(23);
    for (const file of files) {
      expect(spec, file).to.contain(`run('${file}'`);
      expect(readme, file).to.contain(`(${file})`);
    }
  });
});
